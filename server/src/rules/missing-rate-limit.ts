import * as path from 'node:path';
import { isCredentialRoute, routeRegistrations, type RouteRegistration } from '../facts/routes';
import { requiresSignedInCaller, routeRateLimit, type PackageMiddleware } from '../facts/middleware';
import { createRule, type RuleContext } from './rule';

export const missingRateLimit = createRule({
  meta: {
    id: 'missing-rate-limit',
    title: 'Authentication route without rate limiting',
    category: 'security',
    defaultSeverity: 'warning',
    cwe: [307, 770],
    summary: [
      'A login, sign-up, password-reset, OTP or token route that nothing rate-limits answers as many guesses as an attacker sends.',
      'Credential stuffing replays leaked e-mail/password pairs at thousands of attempts a minute, and a 6-digit code falls to a million tries.',
    ].join(' '),
    explanation: [
      'Authentication routes are where an attacker\'s guesses turn into accounts. Without a limit:',
      '',
      '- **Credential stuffing**: lists of e-mail/password pairs leaked from other sites are replayed against `POST /login` from a',
      '  few machines at thousands of attempts a minute. A few percent of users reuse their password, so a list of a million pairs',
      '  opens thousands of accounts before anyone looks at the logs.',
      '- **Code brute force**: a 6-digit OTP or reset code has a million values; at a few hundred requests a second it falls within',
      '  an hour, and one sent by e-mail stays valid for longer than that.',
      '- **Abuse of sign-up and reset**: scripted sign-ups fill the database with fake accounts, and every `forgot-password` request',
      '  sends an e-mail or SMS that you pay for and that lands in a victim\'s inbox.',
      '- Each attempt costs a password hash (bcrypt, argon2) on your CPU: the flood is also a denial of service.',
      '',
      'A limiter counts on any path that reaches the route: global middleware (`app.use(rateLimit(...))`), one mounted above it',
      '(`app.use("/auth", limiter)`), one in the route\'s own middleware, a `@nestjs/throttler` guard bound globally (`APP_GUARD`) or',
      'on the controller, `@fastify/rate-limit` registered on the instance, or a limiter the handler consumes. One registered in',
      'another file of the same package counts.',
    ].join('\n'),
    shortFix: [
      'Limit attempts per IP and per account on the route: `router.post("/login", rateLimit({ windowMs: 15 * 60_000, limit: 10 }), login)`.',
      'NestJS: `ThrottlerModule.forRoot(...)` with `{ provide: APP_GUARD, useClass: ThrottlerGuard }`, `@Throttle()` tighter on auth routes.',
    ].join('\n'),
    fix: [
      '- Express: `express-rate-limit` on the route or the auth router, with a store shared by every instance (Redis) when there is more than one:',
      '  `rateLimit({ windowMs: 15 * 60_000, limit: 10, standardHeaders: "draft-7" })`.',
      '- Fastify: register `@fastify/rate-limit` and tighten auth routes with `config: { rateLimit: { max: 10, timeWindow: "15 minutes" } }`.',
      '- NestJS: `ThrottlerModule.forRoot([{ ttl: 60_000, limit: 10 }])` and a global `ThrottlerGuard` (`APP_GUARD`), `@Throttle()` on auth routes.',
      '- Koa: `koa-ratelimit`; anywhere: `rate-limiter-flexible`, consumed in the handler, keyed by IP and by the account tried.',
      '- Key the limit on the account as well as the IP (stuffing rotates IPs), answer 429 with `Retry-After`, and alert on spikes.',
    ].join('\n'),
    notFlagged: [
      'Routes covered by a limiter registered anywhere in the package: globally, mounted at a path above the route, in another file (a router may be mounted there), or in a way the file cannot place (an exported limiter, one handed to a function, one consumed in a service).',
      'The project\'s own limiter, recognised by its name where it is applied (`app.use(rateLimiter)`, `router.post("/login", loginLimiter, h)`, `await checkRateLimit(ip)`).',
      '`GET` routes: they render a login page or follow a link; guesses are sent with `POST`. A handler for every method (Next.js pages API) that answers only `GET` counts as one.',
      'Ending a session (`POST /auth/logout`, `/auth/sign-out`).',
      'Routes behind a passport guard whose strategy checks an existing session or token (`@UseGuards(AuthGuard("jwt"))`, `passport.authenticate("jwt")`): their callers are signed in already (registering a passkey, refreshing a profile). `local` and other credential strategies are the login itself and are flagged.',
      'Routes outside the catalog\'s list (login, sign-in, sign-up, register, forgot/reset password, OTP/verify, token, and `POST` below `/auth`).',
    ],
    examples: [
      {
        bad: ["import express from 'express';", '', 'const app = express();', "app.post('/login', login);"].join('\n'),
        good: [
          "import express from 'express';",
          "import rateLimit from 'express-rate-limit';",
          '',
          'const app = express();',
          "app.post('/login', rateLimit({ windowMs: 15 * 60_000, limit: 10 }), login);",
        ].join('\n'),
      },
      {
        bad: ["@Controller('auth')", 'export class AuthController {', "  @Post('login')", '  login(@Body() body: LoginDto) {}', '}'].join('\n'),
        good: ["@Controller('auth')", '@UseGuards(ThrottlerGuard)', 'export class AuthController {', "  @Throttle({ default: { limit: 10, ttl: 60_000 } })", "  @Post('login')", '  login(@Body() body: LoginDto) {}', '}'].join('\n'),
      },
    ],
  },
  create(context) {
    return { onFileEnd: () => reportFile(context) };
  },
});

function reportFile(context: RuleContext): void {
  const middleware = context.program.middleware;
  for (const registration of routeRegistrations(context.facts)) {
    if (!isCredentialRoute(registration) || requiresSignedInCaller(registration, context.facts)) continue;
    const limit = routeRateLimit(registration, context.facts, middleware);
    if (limit.limited) continue;
    context.report({ node: registration.node, message: messageOf(registration, middleware, limit.skipped === true) });
  }
}

function messageOf(registration: RouteRegistration, middleware: PackageMiddleware, skipped: boolean): string {
  const route = `${registration.method === 'all' ? 'The' : registration.method.toUpperCase()} ${registration.path ?? 'route'}`.replace(/^The (.*)$/, 'The route $1');
  const attack = 'credential stuffing and code guessing get as many attempts as they send';
  if (skipped) return `${route} is taken out of the ThrottlerGuard by @SkipThrottle(): ${attack}. Give it a tighter @Throttle() instead.`;
  const module = middleware.throttlerModules[0];
  if (module) {
    return `${route} has no rate limit: ThrottlerModule is configured (${path.basename(module.file)}:${module.line}) but no ThrottlerGuard is bound globally (APP_GUARD) or on this controller, so ${attack}.`;
  }
  return `${route} has no rate limit on any path that reaches it: ${attack}. Limit attempts per IP and per account.`;
}
