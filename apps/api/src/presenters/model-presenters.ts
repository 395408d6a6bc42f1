import { ModelSessionDto, ModelValidationDto } from '@spot/contracts';
import { ModelUploadSessionEntity } from '@spot/persistence';

function toValidation(result: Record<string, unknown> | null): ModelValidationDto | null {
  if (!result) return null;
  return {
    ok: result.ok === true,
    problems: Array.isArray(result.problems) ? result.problems.map(String) : [],
    probabilities: Array.isArray(result.probabilities) ? result.probabilities.map(Number) : null,
    duration_ms: Number(result.duration_ms ?? 0),
  };
}

export function toModelSession(session: ModelUploadSessionEntity): ModelSessionDto {
  return {
    id: session.id,
    status: session.status,
    is_live: session.isLive,
    is_fallback: session.isFallback,
    engine_name: session.engineName,
    model_format: session.modelFormat,
    file_names: session.fileNames ?? [],
    checksum: session.checksum,
    validation: toValidation(session.validationResult),
    error_message: session.errorMessage,
    uploaded_by: session.uploadedBy,
    created_at: session.createdAt.toISOString(),
    validated_at: session.validatedAt?.toISOString() ?? null,
    activated_at: session.activatedAt?.toISOString() ?? null,
  };
}
