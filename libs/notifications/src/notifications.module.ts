import { Global, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock, IdGenerator } from '@spot/core';
import { NotificationService } from './notification-service';

/** Owner of the notifications table; every lib that tells users something goes through it. */
@Global()
@Module({
  providers: [
    {
      provide: NotificationService,
      inject: [DataSource, Clock, IdGenerator],
      useFactory: (ds: DataSource, clock: Clock, ids: IdGenerator) => new NotificationService(ds, clock, ids),
    },
  ],
  exports: [NotificationService],
})
export class NotificationsModule {}
