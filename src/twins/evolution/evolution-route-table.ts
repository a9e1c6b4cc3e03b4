import { ExpressPathRouter, type RouteDefinition } from './express-path-router.ts';
import type { RouteHandler } from './route-handler.ts';

/** The controllers both generations mount (evolution-api-1.7.md §2, evolution-api-2.x.md §3): one table, two handler sets. */
export interface EvolutionHandlers {
  welcome: RouteHandler;
  createInstance: RouteHandler;
  connect: RouteHandler;
  /** 1.7: PUT /instance/restart; 2.x: POST, handled as a connect. */
  restart: { method: RouteDefinition<RouteHandler>['method']; handler: RouteHandler };
  connectionState: RouteHandler;
  fetchInstances: RouteHandler;
  logout: RouteHandler;
  deleteInstance: RouteHandler;
  sendText: RouteHandler;
  setChatwoot: RouteHandler;
  findChatwoot: RouteHandler;
  webhook: RouteHandler;
}

const routes = (list: Array<[RouteDefinition<RouteHandler>['method'], string, RouteHandler]>): RouteDefinition<RouteHandler>[] =>
  list.map(([method, path, handler]) => ({ method, path, handler }));

/** `extraLeadingSlash`: 2.x's Express mounting also answers `//chatwoot/…` (the trailing-slash SERVER_URL, §1.5). */
export function evolutionRouteTable(handlers: EvolutionHandlers, options: { extraLeadingSlash?: boolean } = {}): ExpressPathRouter<RouteHandler> {
  return new ExpressPathRouter<RouteHandler>()
    .root(routes([['GET', '/', handlers.welcome]]))
    .mount(
      '/instance',
      routes([
        ['POST', '/create', handlers.createInstance],
        ['GET', '/connect/:instanceName', handlers.connect],
        [handlers.restart.method, '/restart/:instanceName', handlers.restart.handler],
        ['GET', '/connectionState/:instanceName', handlers.connectionState],
        ['GET', '/fetchInstances', handlers.fetchInstances],
        ['DELETE', '/logout/:instanceName', handlers.logout],
        ['DELETE', '/delete/:instanceName', handlers.deleteInstance],
      ]),
    )
    .mount('/message', routes([['POST', '/sendText/:instanceName', handlers.sendText]]))
    .mount(
      '/chatwoot',
      routes([
        ['POST', '/set/:instanceName', handlers.setChatwoot],
        ['GET', '/find/:instanceName', handlers.findChatwoot],
        ['POST', '/webhook/:instanceName', handlers.webhook],
      ]),
      options.extraLeadingSlash ? { extraLeadingSlash: true } : undefined,
    );
}
