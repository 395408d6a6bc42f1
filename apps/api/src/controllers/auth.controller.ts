import { Body, Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { LoginRequestDto, MeResponseDto, SignupRequestDto, SignupResponseDto, SuccessResponseDto, TokenResponseDto } from '@spot/contracts';
import { AccountService, Principal } from '@spot/identity';
import { CurrentPrincipal, requireUser } from '../auth/principal.decorator';
import { UserAuthGuard } from '../auth/guards';
import { RateLimit, RateLimitGuard } from '../http/rate-limit.guard';
import { toTokenResponse } from '../presenters/presenters';
import { ApiStandardErrors, ApiUserAuth } from './api-docs';

@ApiTags('auth')
@Controller('api/auth')
export class AuthController {
  constructor(private readonly accounts: AccountService) {}

  /** Creates an organisation (client) and its first user in one step, and signs the user in. */
  @Post('signup')
  @RateLimit('signup')
  @UseGuards(RateLimitGuard)
  @ApiCreatedResponse({ type: SignupResponseDto })
  @ApiStandardErrors('conflict', 'rate_limited')
  async signup(@Body() body: SignupRequestDto): Promise<SignupResponseDto> {
    const result = await this.accounts.signup({ orgName: body.org_name, email: body.email, password: body.password });
    return {
      ...toTokenResponse(result.token, result.user.role),
      user_id: result.user.id,
      client_id: result.client.id,
      client_token: result.clientToken,
    };
  }

  /** Signs in with e-mail and password; answers a JWT valid for 24 hours. */
  @Post('token')
  @HttpCode(200)
  @RateLimit('token')
  @UseGuards(RateLimitGuard)
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiStandardErrors('forbidden', 'rate_limited')
  async issueToken(@Body() body: LoginRequestDto): Promise<TokenResponseDto> {
    const result = await this.accounts.login(body.email, body.password);
    return toTokenResponse(result.token, result.user.role);
  }

  /** Who the token belongs to, and where the portal should take them. */
  @Get('me')
  @UseGuards(UserAuthGuard)
  @ApiUserAuth()
  @ApiOkResponse({ type: MeResponseDto })
  @ApiStandardErrors()
  async getMe(@CurrentPrincipal() principal: Principal): Promise<MeResponseDto> {
    const user = requireUser(principal);
    const profile = await this.accounts.profile(user);
    return {
      user_id: profile.user.id,
      email: profile.user.email,
      role: profile.user.role,
      client_id: profile.user.clientId,
      client_name: profile.client?.name ?? null,
      home_path: profile.homePath,
      token_expires_at: user.tokenExpiresAt.toISOString(),
    };
  }

  /** Revokes the token used for this call: it is refused from now until it expires. */
  @Post('logout')
  @HttpCode(200)
  @UseGuards(UserAuthGuard)
  @ApiUserAuth()
  @ApiOkResponse({ type: SuccessResponseDto })
  @ApiStandardErrors()
  async logout(@CurrentPrincipal() principal: Principal): Promise<SuccessResponseDto> {
    await this.accounts.logout(requireUser(principal));
    return { success: true };
  }
}
