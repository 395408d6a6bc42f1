import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock, IdGenerator } from '@spot/core';
import { SystemEventLog, TransactionRunner } from '@spot/persistence';
import { CommandTracker } from './command-tracker';

/** The agent command queue. Owns the commands table. */
@Module({
  providers: [
    {
      provide: CommandTracker,
      inject: [DataSource, TransactionRunner, SystemEventLog, Clock, IdGenerator],
      useFactory: (...deps: ConstructorParameters<typeof CommandTracker>) => new CommandTracker(...deps),
    },
  ],
  exports: [CommandTracker],
})
export class CommandTrackerModule {}
