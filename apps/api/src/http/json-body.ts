import express, { RequestHandler } from 'express';
import { DomainError } from '@spot/core';

/** Largest JSON body any route accepts; body-parser answers 413 above it while the body streams in. */
export const MAX_JSON_BODY_BYTES = 1024 * 1024;
/** No request DTO nests deeper than a few levels; 64 leaves room and keeps recursion in the validators shallow. */
export const MAX_JSON_DEPTH = 64;

const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * True as soon as the raw JSON text nests arrays/objects deeper than `maxDepth`. One pass over
 * the bytes, stopping at the first level too deep, with no recursion: a megabyte of `[` costs a
 * few milliseconds and never reaches JSON.parse or the validators, whose recursive walk over a
 * deep tree is what blocked the event loop (issue 22, finding 1). UTF-8 multi-byte sequences
 * never contain ASCII bytes, so brackets and quotes inside strings are told apart exactly.
 */
export function jsonNestsDeeperThan(text: Buffer | string, maxDepth: number): boolean {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i += 1) {
    const byte = bytes[i];
    if (inString) {
      if (byte === BACKSLASH) i += 1;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_ARRAY || byte === OPEN_OBJECT) {
      depth += 1;
      if (depth > maxDepth) return true;
    } else if (byte === CLOSE_ARRAY || byte === CLOSE_OBJECT) {
      depth -= 1;
    }
  }
  return false;
}

/**
 * The JSON body parser of every route: bodies over 1 MB answer 413 before they are read whole,
 * and bodies nested deeper than 64 levels answer 400 JSON_TOO_DEEP before they are parsed
 * (body-parser hands `verify` the raw, inflated bytes ahead of JSON.parse).
 */
export function jsonBodyParser(): RequestHandler {
  return express.json({
    limit: MAX_JSON_BODY_BYTES,
    verify: (_req, _res, raw, encoding) => {
      const text = !encoding || /^utf-?8$/i.test(encoding) ? raw : new TextDecoder(encoding).decode(raw);
      if (jsonNestsDeeperThan(text, MAX_JSON_DEPTH)) {
        throw DomainError.invalid('JSON_TOO_DEEP', `Request body nests arrays or objects deeper than ${MAX_JSON_DEPTH} levels`, [
          { field: 'body', problems: [`body must not nest deeper than ${MAX_JSON_DEPTH} levels`] },
        ]);
      }
    },
  });
}
