import { ErrorCodes, InfrastructureError } from '../errors/index.ts';

const LISTEN_ERRNOS = new Set(['EADDRINUSE', 'EADDRNOTAVAIL', 'EACCES', 'EPERM', 'EAFNOSUPPORT', 'ENOTFOUND', 'EAI_AGAIN']);

/** Whether `error` is node's refusal to listen (`listen EADDRINUSE …`), not some other failure. */
export function isListenFailure(error: unknown): error is NodeJS.ErrnoException {
  const errno = error as NodeJS.ErrnoException | undefined;
  return (
    typeof errno?.code === 'string' &&
    LISTEN_ERRNOS.has(errno.code) &&
    (errno.syscall === 'listen' || errno.syscall === 'getaddrinfo' || errno.syscall === 'bind')
  );
}

/** Node's listen error as a named infrastructure error (exit 3) that says which address and what to do. */
export function listenError(error: NodeJS.ErrnoException, requestedHost: string, requestedPort: number | undefined): InfrastructureError {
  // Node puts the address it tried on the error; prefer it (the caller may only know a default).
  const reported = error as NodeJS.ErrnoException & { address?: unknown; port?: unknown };
  const host = typeof reported.address === 'string' ? reported.address : requestedHost;
  const port = typeof reported.port === 'number' ? reported.port : requestedPort;
  const where = `${host}:${port ?? 0}`;
  const details = { host, port, errno: error.code };
  switch (error.code) {
    case 'EADDRINUSE':
      return new InfrastructureError(ErrorCodes.portInUse, `port ${port} on ${host} is already in use by another process`, {
        cause: error,
        details,
        hint: 'stop whatever listens there (e.g. `ss -ltnp`), or choose another --port (0 picks a free one)',
      });
    case 'EACCES':
    case 'EPERM':
      return new InfrastructureError(ErrorCodes.listen, `no permission to listen on ${where} (${error.code})`, {
        cause: error,
        details,
        hint: 'ports below 1024 need root: choose a port from 1024 up',
      });
    case undefined:
    default:
      return new InfrastructureError(
        ErrorCodes.listen,
        `cannot listen on ${where}: ${error.code === 'EADDRNOTAVAIL' ? 'not an address of this machine' : error.code}`,
        {
          cause: error,
          details,
          hint: 'use --host 127.0.0.1 (the default), or an address this machine has',
        },
      );
  }
}
