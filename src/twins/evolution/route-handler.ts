/** What an Evolution twin route receives and answers (both generations). */
export interface RouteContext {
  params: Record<string, string>;
  query: URLSearchParams;
  headers: Headers;
  body: Record<string, unknown>;
  /** `req.protocol://req.get('host')` for the welcome links. */
  origin: string;
}

export interface RouteResult {
  status: number;
  /** Serialised as JSON; `undefined` means an empty body. */
  body: unknown;
  /** Started once the answer has been handed to the socket (Express sends before the un-awaited work's first I/O). */
  afterSent?: () => void;
}

export type RouteHandler = (context: RouteContext) => RouteResult | Promise<RouteResult>;
