/**
 * Start-up hooks of application frameworks: methods the framework calls once,
 * before the application serves its first request, on classes that declare
 * the hook's interface. Used by facts/start-up.ts. Adding a framework is a
 * change to this table only.
 */
export interface StartUpHooks {
  module: string;
  /** The hook interface a class implements, and the method it names. */
  hooks: Readonly<Record<string, string>>;
}

export const START_UP_HOOKS: readonly StartUpHooks[] = [
  { module: '@nestjs/common', hooks: { OnModuleInit: 'onModuleInit', OnApplicationBootstrap: 'onApplicationBootstrap' } },
];
