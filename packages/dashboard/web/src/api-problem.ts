/** A refusal of the API (its problem+json), or a network failure (status 0). */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors: readonly { path: string; message: string }[] = [],
    readonly body: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiProblem';
  }

  static async from(response: Response): Promise<ApiProblem> {
    let body: Record<string, unknown> = {};
    try {
      body = (await response.json()) as Record<string, unknown>;
    } catch {
      // A proxy's HTML error page: the status line is all there is.
    }
    const code = typeof body.code === 'string' ? body.code : `HTTP_${response.status}`;
    const detail =
      typeof body.detail === 'string' ? body.detail : `${response.status} ${response.statusText}`;
    const errors = Array.isArray(body.errors)
      ? (body.errors as { path: string; message: string }[])
      : [];
    return new ApiProblem(response.status, code, detail, errors, body);
  }
}
