import { DataSource, EntityManager } from 'typeorm';
import { UserEntity, insertRow } from '@spot/persistence';

export class UserRepository {
  constructor(private readonly dataSource: DataSource) {}

  private repo(manager: EntityManager = this.dataSource.manager) {
    return manager.getRepository(UserEntity);
  }

  async insert(user: UserEntity, manager?: EntityManager): Promise<void> {
    await insertRow(manager ?? this.dataSource.manager, UserEntity, user);
  }

  findByEmail(email: string, manager?: EntityManager): Promise<UserEntity | null> {
    return this.repo(manager).findOneBy({ email });
  }

  findById(id: string): Promise<UserEntity | null> {
    return this.repo().findOneBy({ id });
  }

  existsByEmail(email: string, manager?: EntityManager): Promise<boolean> {
    return this.repo(manager).exists({ where: { email } });
  }

  async recordLogin(id: string, at: Date): Promise<void> {
    await this.repo().update({ id }, { lastLoginAt: at });
  }

  async changePasswordAndRole(id: string, passwordHash: string, role: UserEntity['role'], at: Date): Promise<void> {
    await this.repo().update({ id }, { passwordHash, role, isActive: true, updatedAt: at });
  }
}
