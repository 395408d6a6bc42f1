import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, UploadedFile, UseGuards, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ActivateModelRequestDto, ModelRollbackDto, ModelSessionDto, ModelSessionPageDto, ModelUploadRequestDto, PageQueryDto } from '@spot/contracts';
import { DomainError, pageRequest } from '@spot/core';
import { Principal, UserPrincipal } from '@spot/identity';
import { ActiveModelEngine, MAX_MODEL_BYTES, ModelRegistry } from '@spot/learning';
import { SuperAdminGuard } from '../auth/guards';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { toModelSession } from '../presenters/model-presenters';
import { pageOf } from '../presenters/presenters';
import { ApiStandardErrors, ApiUserAuth } from './api-docs';

/** The ML model registry (seed 004 Scenario 6), for super-admins. */
@ApiTags('admin')
@ApiUserAuth()
@UseGuards(SuperAdminGuard)
@Controller('api/admin/ml-models')
export class AdminModelsController {
  constructor(
    private readonly registry: ModelRegistry,
    private readonly active: ActiveModelEngine,
  ) {}

  /**
   * Uploads an ONNX model (multipart field `file`). It is validated at once in an isolated process
   * with a time limit; a valid model is `pending` until activated, an invalid one is `rejected`
   * (400, the session records why) and never goes live.
   */
  @Post('upload')
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: ModelUploadRequestDto })
  @ApiCreatedResponse({ type: ModelSessionDto })
  @ApiStandardErrors('forbidden')
  @UseInterceptors(FileInterceptor('file', { limits: { fileSize: MAX_MODEL_BYTES, files: 1 } }))
  async upload(@UploadedFile() file: { originalname: string; buffer: Buffer } | undefined, @CurrentPrincipal() principal: Principal): Promise<ModelSessionDto> {
    const session = await this.registry.upload(file ? [{ name: file.originalname, content: file.buffer }] : [], (principal as UserPrincipal).email);
    if (session.status === 'rejected') {
      throw DomainError.invalid('MODEL_REJECTED', `The model was refused: ${session.errorMessage}`, [{ field: 'file', problems: session.validationResult?.problems as string[] }], { session_id: session.id });
    }
    return toModelSession(session);
  }

  /** Every kept session, newest first. */
  @Get()
  @ApiOkResponse({ type: ModelSessionPageDto })
  @ApiStandardErrors('forbidden')
  async list(@Query() query: PageQueryDto): Promise<ModelSessionPageDto> {
    return pageOf(await this.registry.list(pageRequest(query.limit, query.offset)), toModelSession);
  }

  @Get(':id')
  @ApiOkResponse({ type: ModelSessionDto })
  @ApiStandardErrors('forbidden', 'not_found')
  async get(@Param('id', new ParseUUIDPipe()) id: string): Promise<ModelSessionDto> {
    return toModelSession(await this.registry.get(id));
  }

  /** Makes a pending (or fallback) model live without a restart; the model live until now becomes the fallback. */
  @Post('activate')
  @HttpCode(200)
  @ApiOkResponse({ type: ModelSessionDto })
  @ApiStandardErrors('forbidden', 'not_found', 'conflict')
  async activate(@Body() body: ActivateModelRequestDto, @CurrentPrincipal() principal: Principal): Promise<ModelSessionDto> {
    return toModelSession(await this.registry.activate(body.session_id, (principal as UserPrincipal).email));
  }

  /** Retires the live model and makes the fallback live again (the built-in engine when there is none). */
  @Post('rollback')
  @HttpCode(200)
  @ApiOkResponse({ type: ModelRollbackDto })
  @ApiStandardErrors('forbidden', 'conflict')
  async rollback(@CurrentPrincipal() principal: Principal): Promise<ModelRollbackDto> {
    const { retired, live } = await this.registry.rollback((principal as UserPrincipal).email);
    return { retired: toModelSession(retired), live: live ? toModelSession(live) : null, active_engine: this.active.name };
  }
}
