import bcrypt from 'bcryptjs';

/** bcrypt with the configured cost; the cost is a setting so tests can run fast. */
export class PasswordHasher {
  private dummyHash: Promise<string> | undefined;

  constructor(private readonly rounds: number) {}

  hash(password: string): Promise<string> {
    return bcrypt.hash(password, this.rounds);
  }

  verify(password: string, hash: string): Promise<boolean> {
    return bcrypt.compare(password, hash);
  }

  /** Spends the same time as a real check, so unknown e-mails can't be told from wrong passwords. */
  async verifyAgainstNothing(password: string): Promise<false> {
    this.dummyHash ??= bcrypt.hash('no-such-user', this.rounds);
    await bcrypt.compare(password, await this.dummyHash);
    return false;
  }
}
