import { errorMessage } from '../api/client';

/** Turns an openapi-fetch result into its data, or throws with the API's own message. */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown }>): Promise<T> {
  const { data, error } = await call;
  if (error !== undefined || data === undefined) throw new Error(errorMessage(error));
  return data;
}
