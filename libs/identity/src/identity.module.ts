import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CacheFactory, Clock, IdGenerator, RateLimiter, SignalBus, SPOT_CONFIG, SpotConfig } from '@spot/core';
import { NotificationService, NotificationsModule } from '@spot/notifications';
import { SystemEventLog, TransactionRunner } from '@spot/persistence';
import { AccountService } from './accounts/account.service';
import { PasswordHasher } from './accounts/password-hasher';
import { SignInThrottle } from './accounts/sign-in-throttle';
import { UserRepository } from './accounts/user.repository';
import { AgentRegistry } from './agents/agent-registry.service';
import { AgentRepository } from './agents/agent.repository';
import { CleanupLog } from './agents/cleanup-log.service';
import { FleetStatistics } from './agents/fleet-statistics';
import { InstanceRepository } from './agents/instance.repository';
import { ClientRepository } from './clients/client.repository';
import { ClientService } from './clients/client.service';
import { RevokedTokenRepository } from './tokens/revoked-token.repository';
import { TokenService } from './tokens/token.service';
import { HeartbeatLedger } from './agents/heartbeat-ledger';

const repository = <T>(type: new (ds: DataSource) => T) => ({ provide: type, inject: [DataSource], useFactory: (ds: DataSource) => new type(ds) });

/**
 * Clients, users, agents and their tokens. Owns the tables clients, users, revoked_tokens,
 * agents, instances and the agents' cleanup_logs; other libs reach them only through the services exported here.
 */
@Module({
  // Sign-in lockouts tell the account's users (SignInThrottle).
  imports: [NotificationsModule],
  providers: [
    repository(ClientRepository),
    repository(UserRepository),
    repository(AgentRepository),
    repository(InstanceRepository),
    {
      provide: HeartbeatLedger,
      inject: [CacheFactory, SignalBus, Clock],
      useFactory: (caches: CacheFactory, bus: SignalBus, clock: Clock) => new HeartbeatLedger(caches, bus, clock),
    },
    {
      provide: RevokedTokenRepository,
      inject: [DataSource, CacheFactory, SignalBus, Clock],
      useFactory: (ds: DataSource, caches: CacheFactory, bus: SignalBus, clock: Clock) => new RevokedTokenRepository(ds, caches, bus, clock),
    },
    repository(FleetStatistics),
    {
      provide: PasswordHasher,
      inject: [SPOT_CONFIG],
      useFactory: (config: SpotConfig) => new PasswordHasher(config.auth.bcryptRounds),
    },
    {
      provide: TokenService,
      inject: [SPOT_CONFIG, Clock, IdGenerator, RevokedTokenRepository],
      useFactory: (config: SpotConfig, clock: Clock, ids: IdGenerator, revoked: RevokedTokenRepository) =>
        new TokenService({ jwtSecret: config.auth.jwtSecret, jwtTtlSeconds: config.auth.jwtTtlSeconds }, clock, ids, revoked),
    },
    {
      provide: ClientService,
      inject: [ClientRepository, AgentRepository, InstanceRepository, TransactionRunner, SystemEventLog, Clock, IdGenerator],
      useFactory: (...deps: ConstructorParameters<typeof ClientService>) => new ClientService(...deps),
    },
    {
      provide: SignInThrottle,
      inject: [RateLimiter, NotificationService, SystemEventLog, SPOT_CONFIG],
      useFactory: (limiter: RateLimiter, notifications: NotificationService, events: SystemEventLog, config: SpotConfig) =>
        new SignInThrottle(limiter, notifications, events, {
          checksPerMinute: config.rateLimits.accountChecksPerMinute,
          lockoutFailures: config.rateLimits.accountLockoutFailures,
          lockoutMs: config.rateLimits.accountLockoutMinutes * 60_000,
        }),
    },
    {
      provide: AccountService,
      inject: [UserRepository, ClientRepository, ClientService, TokenService, PasswordHasher, TransactionRunner, SystemEventLog, Clock, IdGenerator, SignInThrottle],
      useFactory: (...deps: ConstructorParameters<typeof AccountService>) => new AccountService(...deps),
    },
    {
      provide: AgentRegistry,
      inject: [AgentRepository, InstanceRepository, ClientRepository, TokenService, TransactionRunner, SystemEventLog, Clock, IdGenerator, HeartbeatLedger],
      useFactory: (...deps: ConstructorParameters<typeof AgentRegistry>) => new AgentRegistry(...deps),
    },
    { provide: CleanupLog, inject: [DataSource, Clock], useFactory: (ds: DataSource, clock: Clock) => new CleanupLog(ds, clock) },
  ],
  exports: [ClientService, AccountService, AgentRegistry, TokenService, FleetStatistics, CleanupLog],
})
export class IdentityModule {}
