import { ValidationError, ValidationPipe } from '@nestjs/common';
import { DomainError, FieldProblem } from '@spot/core';

function flatten(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    let own: FieldProblem[] = [];
    if (error.constraints) {
      const rules = Object.keys(error.constraints);
      own = [
        rules.includes('whitelistValidation')
          ? { field, problems: [`${field} is not an accepted field`] }
          : error.value === undefined || error.value === null
            ? { field, problems: [`${field} is required`] }
            : { field, problems: Object.values(error.constraints) },
      ];
    }
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/**
 * Every request body and query is checked against its DTO: unknown fields are refused, and the
 * 400 names each offending field, before any handler (and so any write) runs.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    // value is read only to tell a missing field from a wrong one; it never reaches the answer.
    validationError: { target: false, value: true },
    exceptionFactory: (errors) => {
      const fields = flatten(errors);
      if (!fields.length) return DomainError.invalid('VALIDATION_FAILED', 'Request body must be a JSON object');
      const summary = fields.map((f) => f.problems.join(', ')).join('; ');
      return DomainError.invalid('VALIDATION_FAILED', `Validation failed: ${summary}`, fields);
    },
  });
}
