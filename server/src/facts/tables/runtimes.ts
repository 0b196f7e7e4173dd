import type { LibraryEntry } from './libraries';

/**
 * What shows that a file runs in the browser rather than in Node: an import of
 * a UI framework, or a browser-only global. Messages that describe what a
 * failure does (a crash of the process, or a lost error in a tab) depend on it.
 */
export const BROWSER_UI_MODULES: readonly LibraryEntry[] = [
  { module: 'react' },
  { module: 'react-dom' },
  { module: 'react-router-dom' },
  { module: 'react-redux' },
  { module: 'vue' },
  { module: 'vue-router' },
  { module: '@angular/core' },
  { module: 'svelte' },
  { module: 'preact' },
  { module: 'solid-js' },
  { module: 'lit' },
  { module: 'jquery' },
  { module: 'next/router' },
  { module: 'next/navigation' },
  { module: 'next/link' },
  // Client-side state and data-fetching libraries only UI code uses.
  { module: 'zustand' },
  { module: 'jotai' },
  { module: 'recoil' },
  { module: 'swr' },
  { module: '@tanstack/react-query' },
  { module: 'react-hook-form' },
  // Mobile apps: React Native and Expo.
  { module: 'react-native' },
  { module: 'react-native-', prefix: true },
  { module: '@react-native/', prefix: true },
  { module: '@react-native-', prefix: true },
  { module: 'expo' },
  { module: 'expo-', prefix: true },
  { module: '@react-navigation/', prefix: true },
];

/** Globals that only exist in a browser (or a browser-like worker). */
export const BROWSER_GLOBALS: ReadonlySet<string> = new Set(['window', 'document', 'navigator', 'localStorage', 'sessionStorage']);

/** A directive that marks a module as client code (React Server Components). */
export const CLIENT_DIRECTIVE = 'use client';

/**
 * Exports of a route module that run on the server even in a file that also
 * renders UI: Remix/React Router `loader`/`action`, Next.js data functions and
 * route handlers, SvelteKit `load`.
 */
export const SERVER_EXPORT_NAMES: ReadonlySet<string> = new Set([
  'loader',
  'action',
  'getServerSideProps',
  'getStaticProps',
  'getStaticPaths',
  'generateMetadata',
  'generateStaticParams',
  'GET',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'HEAD',
  'OPTIONS',
]);

/** File names that say "server only": `db.server.ts` (Remix), `handler.server.js`. */
export const SERVER_FILE_NAME = /\.server\.[cm]?[jt]sx?$/;

/** Folders whose code runs in the browser whatever it imports: `client-only/`. */
export const BROWSER_FOLDER_NAMES: ReadonlySet<string> = new Set(['client-only']);

/** Folders that hold command-line programs, one-off scripts and database seeds rather than the server. */
export const COMMAND_LINE_FOLDERS: ReadonlySet<string> = new Set(['bin', 'cli', 'scripts', 'seed', 'seeds']);

/**
 * Packages that only run on a server: importing one makes a file server code
 * even when it mentions `document` (inside a headless browser's `page.evaluate`).
 */
export const SERVER_ONLY_MODULES: readonly LibraryEntry[] = [
  { module: 'playwright' },
  { module: 'playwright-core' },
  { module: 'puppeteer' },
  { module: 'puppeteer-core' },
  { module: 'express' },
  { module: 'fastify' },
  { module: 'koa' },
  { module: '@nestjs/', prefix: true },
  { module: 'bullmq' },
  { module: 'bull' },
  { module: 'pg' },
  { module: 'mysql2' },
  { module: 'ioredis' },
  { module: 'mongoose' },
  { module: 'jsonwebtoken' },
  { module: 'nodemailer' },
];

/** Methods whose callback runs inside a headless browser page, not in this file's process. */
export const IN_PAGE_CALLBACK_METHODS: ReadonlySet<string> = new Set(['evaluate', 'evaluateHandle', '$eval', '$$eval', 'addInitScript', 'waitForFunction']);
