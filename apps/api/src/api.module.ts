import { DynamicModule, Inject, Module, OnApplicationBootstrap } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { CatalogModule } from '@spot/catalog';
import { CoreModule, SPOT_CONFIG, SpotConfig, StructuredLogger } from '@spot/core';
import { DataValveModule } from '@spot/data-valve';
import { DecisionsModule } from '@spot/decisions';
import { LearningModule } from '@spot/learning';
import { GlobalRiskModule } from '@spot/global-risk';
import { AccountService, IdentityModule } from '@spot/identity';
import { NotificationsModule } from '@spot/notifications';
import { PersistenceModule } from '@spot/persistence';
import { PriceListModule } from '@spot/price-list';
import { RedisModule } from '@spot/redis';
import { SentinelModule } from '@spot/sentinel';
import { UserJwtStrategy } from './auth/user-jwt.strategy';
import { AdminClientsController } from './controllers/admin-clients.controller';
import { AdminModelsController } from './controllers/admin-models.controller';
import { AdminOnDemandPricesController } from './controllers/admin-ondemand-prices.controller';
import { AdminPricingController } from './controllers/admin-pricing.controller';
import { AdminSystemController } from './controllers/admin-system.controller';
import { AgentCommandsController } from './controllers/agent-commands.controller';
import { AgentDecisionsController } from './controllers/agent-decisions.controller';
import { AgentPricingController } from './controllers/agent-pricing.controller';
import { AgentSettingsController } from './controllers/agent-settings.controller';
import { AgentsController } from './controllers/agents.controller';
import { AuthController } from './controllers/auth.controller';
import { ClientDecisionsController } from './controllers/client-decisions.controller';
import { ClientInstancesController } from './controllers/client-instances.controller';
import { ClientPricingController } from './controllers/client-pricing.controller';
import { ClientReplicasController } from './controllers/client-replicas.controller';
import { ClientController } from './controllers/client.controller';
import { HealthController } from './controllers/health.controller';
import { InterruptionsController } from './controllers/interruptions.controller';
import { NotificationsController } from './controllers/notifications.controller';
import { ReplicasController } from './controllers/replicas.controller';
import { RateLimitGuard } from './http/rate-limit.guard';

/** Creates the first super-admin from ADMIN_EMAIL / ADMIN_PASSWORD when it is missing. */
class SuperAdminBootstrap implements OnApplicationBootstrap {
  constructor(
    private readonly accounts: AccountService,
    private readonly logger: StructuredLogger,
    @Inject(SPOT_CONFIG) private readonly config: SpotConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { adminEmail, adminPassword } = this.config.auth;
    if (!adminEmail || !adminPassword) return;
    const outcome = await this.accounts.ensureSuperAdmin(adminEmail, adminPassword);
    if (outcome === 'created') {
      this.logger.event({ level: 'info', component: 'CORE-IDENTITY', action: 'CREATE-SUPER-ADMIN', result: 'SUCCESS', message: adminEmail });
    }
  }
}

@Module({})
export class ApiModule {
  static forRoot(config: SpotConfig, logger?: StructuredLogger): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        CoreModule.forRoot(config, { component: 'CORE-API', logger }),
        PersistenceModule.forRoot(),
        // Shared limits, caches and broadcasts when REDIS_URL is set (docs/architecture.md "Redis").
        ...(config.redis.url ? [RedisModule.forRoot(config)] : []),
        CatalogModule,
        GlobalRiskModule,
        IdentityModule,
        DataValveModule,
        NotificationsModule,
        SentinelModule,
        LearningModule,
        DecisionsModule,
        PriceListModule,
        PassportModule,
      ],
      controllers: [
        HealthController,
        AuthController,
        AdminClientsController,
        AdminPricingController,
        AgentsController,
        AgentPricingController,
        AgentCommandsController,
        AgentDecisionsController,
        ClientController,
        ClientPricingController,
        AdminSystemController,
        InterruptionsController,
        ReplicasController,
        AgentSettingsController,
        ClientReplicasController,
        NotificationsController,
        ClientDecisionsController,
        ClientInstancesController,
        AdminModelsController,
        AdminOnDemandPricesController,
      ],
      providers: [UserJwtStrategy, RateLimitGuard, { provide: SuperAdminBootstrap, inject: [AccountService, StructuredLogger, SPOT_CONFIG], useFactory: (a: AccountService, l: StructuredLogger, c: SpotConfig) => new SuperAdminBootstrap(a, l, c) }],
    };
  }
}
