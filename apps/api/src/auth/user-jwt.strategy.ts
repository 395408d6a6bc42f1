import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AccountService, TokenService, UserPrincipal } from '@spot/identity';

/**
 * passport-jwt checks the signature, issuer and audience; expiry (by the injected clock),
 * the logout deny-list and the user's state are judged by AccountService.
 */
@Injectable()
export class UserJwtStrategy extends PassportStrategy(Strategy, 'user-jwt') {
  constructor(private readonly accounts: AccountService, tokens: TokenService) {
    const verification = tokens.userTokenVerification;
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: verification.secret,
      issuer: verification.issuer,
      audience: verification.audience,
      algorithms: verification.algorithms,
      ignoreExpiration: true,
    });
  }

  validate(payload: unknown): Promise<UserPrincipal> {
    return this.accounts.authenticate(payload);
  }
}
