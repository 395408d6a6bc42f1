import { DataSource, LessThan } from 'typeorm';
import { insertRow, isUniqueViolation, RevokedTokenEntity } from '@spot/persistence';

export class RevokedTokenRepository {
  constructor(private readonly dataSource: DataSource) {}

  private get repo() {
    return this.dataSource.getRepository(RevokedTokenEntity);
  }

  async revoke(entry: RevokedTokenEntity): Promise<void> {
    try {
      await insertRow(this.dataSource.manager, RevokedTokenEntity, entry);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error; // already revoked: logout is idempotent
    }
  }

  async isRevoked(jti: string): Promise<boolean> {
    return this.repo.exists({ where: { jti } });
  }

  async deleteExpiredBefore(now: Date): Promise<number> {
    const result = await this.repo.delete({ expiresAt: LessThan(now) });
    return result.affected ?? 0;
  }
}
