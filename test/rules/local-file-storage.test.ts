import { localFileStorage } from 'preflight-server/out/rules/local-file-storage';
import { testRule } from '../support/rule-tester';

const lines = (...parts: string[]): string => parts.join('\n') + '\n';

const EXPRESS_ESM = [`import express from 'express';`, `const app = express();`].join('\n');
const EXPRESS_CJS = [`const express = require('express');`, `const app = express();`].join('\n');

testRule(localFileStorage, {
  valid: [
    {
      name: 'multer memoryStorage',
      code: lines(EXPRESS_ESM, `import multer from 'multer';`, `const upload = multer({ storage: multer.memoryStorage() });`, `app.post('/a', upload.single('f'), (req, res) => res.end());`),
    },
    {
      name: 'multer with no options (memory by default)',
      filename: 'upload.js',
      code: lines(EXPRESS_CJS, `const multer = require('multer');`, `const upload = multer();`, `app.post('/a', upload.single('f'), (req, res) => res.end());`),
    },
    {
      name: 'multer-s3 storage',
      code: lines(
        EXPRESS_ESM,
        `import multer from 'multer';`,
        `import multerS3 from 'multer-s3';`,
        `import { S3Client } from '@aws-sdk/client-s3';`,
        `const upload = multer({ storage: multerS3({ s3: new S3Client({}), bucket: 'uploads' }) });`,
        `app.post('/a', upload.single('f'), (req, res) => res.end());`,
      ),
    },
    {
      name: 'a scratch file under os.tmpdir()',
      code: lines(EXPRESS_ESM, `import fs from 'fs/promises';`, `import os from 'os';`, `import path from 'path';`, `app.post('/convert', async (req, res) => {`, `  const file = path.join(os.tmpdir(), String(req.query.name));`, `  await fs.writeFile(file, req.body);`, `  res.end();`, `});`),
    },
    {
      name: 'a scratch file under /tmp',
      code: lines(EXPRESS_ESM, `import { writeFileSync } from 'fs';`, `app.post('/convert', (req, res) => {`, '  writeFileSync(`/tmp/${req.params.id}.json`, JSON.stringify(req.body));', `  res.end();`, `});`),
    },
    {
      name: 'a write whose path and data the request does not decide',
      code: lines(EXPRESS_ESM, `import fs from 'fs';`, `app.post('/ping', (req, res) => {`, `  fs.appendFileSync('access.log', new Date().toISOString());`, `  res.end();`, `});`),
    },
    {
      name: 'a write outside request-handling code (start-up)',
      code: lines(EXPRESS_ESM, `import fs from 'fs';`, `fs.writeFileSync('pid', String(process.pid));`, `app.get('/', (req, res) => res.end());`),
    },
    {
      name: 'a one-off script under scripts/ with multer dest',
      filename: 'scripts/import.ts',
      code: lines(EXPRESS_ESM, `import multer from 'multer';`, `const upload = multer({ dest: 'uploads/' });`, `app.post('/a', upload.single('f'), (req, res) => res.end());`),
    },
    {
      name: 'a request-data write in a helper no handler calls',
      code: lines(`import fs from 'fs';`, `export function save(name: string, data: string) {`, `  fs.writeFileSync(name, data);`, `}`),
    },
    {
      name: 'reading a file named by the request is not a write',
      code: lines(EXPRESS_ESM, `import fs from 'fs';`, `app.get('/f/:name', (req, res) => fs.createReadStream('files/' + req.params.name).pipe(res));`),
    },
    {
      name: 'a temporary formidable file only read in the parse callback',
      code: lines(EXPRESS_ESM, `import formidable from 'formidable';`, `import fs from 'fs/promises';`, `app.post('/a', (req, res) => {`, `  formidable().parse(req, async (err, fields, files) => {`, `    const text = await fs.readFile((files as any).upload[0].filepath, 'utf8');`, `    res.json({ size: text.length });`, `  });`, `});`),
    },
    {
      name: 'express-fileupload mv() into os.tmpdir()',
      filename: 'tmpupload.js',
      code: lines(EXPRESS_CJS, `const fileUpload = require('express-fileupload');`, `const os = require('os');`, `app.use(fileUpload());`, `app.post('/scan', (req, res) => {`, `  req.files.doc.mv(os.tmpdir() + '/' + req.files.doc.md5, () => res.end());`, `});`),
    },
    {
      name: 'multer dest in os.tmpdir() (processed, then sent elsewhere)',
      code: lines(EXPRESS_ESM, `import multer from 'multer';`, `import os from 'node:os';`, `const upload = multer({ dest: os.tmpdir() });`, `app.post('/import', upload.single('csv'), (req, res) => res.end());`),
    },
    {
      name: 'multer diskStorage whose destination callback gives /tmp (CommonJS)',
      filename: 'tmpstorage.js',
      code: lines(EXPRESS_CJS, `const multer = require('multer');`, `const storage = multer.diskStorage({ destination: (req, file, cb) => cb(null, '/tmp') });`, `app.post('/a', multer({ storage }).single('f'), (req, res) => res.end());`),
    },
    {
      name: 'formidable without uploadDir',
      code: lines(EXPRESS_ESM, `import formidable from 'formidable';`, `app.post('/a', (req, res) => {`, `  const form = formidable({ maxFileSize: 1000 });`, `  form.parse(req, () => res.end());`, `});`),
    },
  ],
  invalid: [
    {
      name: 'multer dest (ESM)',
      code: lines(EXPRESS_ESM, `import multer from 'multer';`, `const upload = multer({ dest: 'uploads/' });`, `app.post('/avatar', upload.single('avatar'), (req, res) => res.end());`),
      findings: [{ line: 4, message: 'multer `dest`' }],
    },
    {
      name: 'multer.diskStorage (CommonJS)',
      filename: 'upload.js',
      code: lines(
        EXPRESS_CJS,
        `const multer = require('multer');`,
        `const storage = multer.diskStorage({ destination: 'uploads/', filename: (req, file, cb) => cb(null, file.originalname) });`,
        `const upload = multer({ storage });`,
        `app.post('/a', upload.single('f'), (req, res) => res.end());`,
      ),
      findings: [{ line: 4, message: 'diskStorage' }],
    },
    {
      name: 'named diskStorage import',
      code: lines(EXPRESS_ESM, `import multer, { diskStorage } from 'multer';`, `const upload = multer({ storage: diskStorage({ destination: './public/uploads' }) });`, `app.post('/a', upload.array('f'), (req, res) => res.end());`),
      findings: [{ line: 4 }],
    },
    {
      name: 'formidable uploadDir',
      code: lines(EXPRESS_ESM, `import formidable from 'formidable';`, `app.post('/a', (req, res) => {`, `  const form = formidable({ uploadDir: './uploads', keepExtensions: true });`, `  form.parse(req, () => res.end());`, `});`),
      findings: [{ line: 5, message: 'uploadDir' }],
    },
    {
      name: 'new IncomingForm with uploadDir (CommonJS)',
      filename: 'form.js',
      code: lines(EXPRESS_CJS, `const { IncomingForm } = require('formidable');`, `app.post('/a', (req, res) => {`, `  const form = new IncomingForm({ uploadDir: __dirname + '/uploads' });`, `  form.parse(req, () => res.end());`, `});`),
      findings: [{ line: 5 }],
    },
    {
      name: 'busboy file stream piped to createWriteStream',
      code: lines(
        EXPRESS_ESM,
        `import busboy from 'busboy';`,
        `import fs from 'fs';`,
        `import path from 'path';`,
        `app.post('/upload', (req, res) => {`,
        `  const bb = busboy({ headers: req.headers });`,
        `  bb.on('file', (name, file, info) => {`,
        `    file.pipe(fs.createWriteStream(path.join('uploads', info.filename)));`,
        `  });`,
        `  bb.on('close', () => res.end());`,
        `  req.pipe(bb);`,
        `});`,
      ),
      findings: [{ line: 9, message: 'streamed' }],
    },
    {
      name: 'fs.writeFile to a path from req.params',
      code: lines(EXPRESS_ESM, `import fs from 'fs/promises';`, `import path from 'path';`, `app.put('/files/:name', async (req, res) => {`, `  await fs.writeFile(path.join('data', req.params.name), req.body);`, `  res.end();`, `});`),
      findings: [{ line: 6, message: 'Request data' }],
    },
    {
      name: 'a multer memory upload written to disk from req.file (CommonJS)',
      filename: 'avatar.js',
      code: lines(
        EXPRESS_CJS,
        `const fs = require('fs');`,
        `const multer = require('multer');`,
        `const upload = multer({ storage: multer.memoryStorage() });`,
        `app.post('/avatar', upload.single('avatar'), (req, res) => {`,
        `  const target = 'public/avatars/' + req.file.originalname;`,
        `  fs.writeFileSync(target, req.file.buffer);`,
        `  res.end();`,
        `});`,
      ),
      findings: [{ line: 8 }],
    },
    {
      name: 'Next.js app route writing formData file to public/',
      filename: 'app/api/upload/route.ts',
      code: lines(
        `import { writeFile } from 'fs/promises';`,
        `import path from 'path';`,
        `export async function POST(request: Request) {`,
        `  const data = await request.formData();`,
        `  const file = data.get('file') as File;`,
        `  const bytes = Buffer.from(await file.arrayBuffer());`,
        `  await writeFile(path.join(process.cwd(), 'public', file.name), bytes);`,
        `  return Response.json({ ok: true });`,
        `}`,
      ),
      findings: [{ line: 7 }],
    },
    {
      name: 'a Nest @UploadedFile written with fs.promises',
      code: lines(
        `import { Controller, Post, UploadedFile, UseInterceptors } from '@nestjs/common';`,
        `import { FileInterceptor } from '@nestjs/platform-express';`,
        `import * as fs from 'fs';`,
        `@Controller('docs')`,
        `export class DocsController {`,
        `  @Post()`,
        `  @UseInterceptors(FileInterceptor('file'))`,
        `  async upload(@UploadedFile() file: { originalname: string; buffer: Buffer }) {`,
        '    await fs.promises.writeFile(`./storage/${file.originalname}`, file.buffer);',
        `  }`,
        `}`,
      ),
      findings: [{ line: 9 }],
    },
    {
      name: 'fs.rename of an upload into the uploads folder, in a Koa route',
      code: lines(
        `import Router from '@koa/router';`,
        `import fs from 'fs';`,
        `const router = new Router();`,
        `router.post('/upload', async (ctx) => {`,
        `  const upload = (ctx.request as any).files.file;`,
        `  await fs.promises.rename(upload.filepath, 'uploads/' + upload.originalFilename);`,
        `  ctx.body = 'ok';`,
        `});`,
      ),
      findings: [{ line: 6 }],
    },
    {
      name: 'the older formidable form: form.uploadDir assigned (CommonJS)',
      filename: 'legacy.js',
      code: lines(EXPRESS_CJS, `const formidable = require('formidable');`, `app.post('/a', (req, res) => {`, `  const form = new formidable.IncomingForm();`, `  form.uploadDir = __dirname + '/uploads';`, `  form.parse(req, () => res.end());`, `});`),
      findings: [{ line: 6 }],
    },
    {
      name: 'formidable files moved into uploads/ from the parse callback',
      code: lines(
        EXPRESS_ESM,
        `import formidable from 'formidable';`,
        `import fs from 'fs';`,
        `app.post('/a', (req, res) => {`,
        `  formidable().parse(req, (err, fields, files) => {`,
        `    const file = (files as any).upload[0];`,
        `    fs.renameSync(file.filepath, 'uploads/' + file.originalFilename);`,
        `    res.end();`,
        `  });`,
        `});`,
      ),
      findings: [{ line: 8 }],
    },
    {
      name: 'connect-busboy: req.busboy file stream to disk (CommonJS)',
      filename: 'busboy.js',
      code: lines(
        EXPRESS_CJS,
        `const busboy = require('connect-busboy');`,
        `const fs = require('fs');`,
        `app.use(busboy());`,
        `app.post('/upload', (req, res) => {`,
        `  req.busboy.on('file', (name, file, info) => {`,
        `    file.pipe(fs.createWriteStream('./uploads/' + info.filename));`,
        `  });`,
        `  req.pipe(req.busboy);`,
        `});`,
      ),
      findings: [{ line: 8 }],
    },
    {
      name: 'express-fileupload mv() into a public folder (CommonJS)',
      filename: 'fileupload.js',
      code: lines(
        EXPRESS_CJS,
        `const fileUpload = require('express-fileupload');`,
        `app.use(fileUpload());`,
        `app.post('/avatar', (req, res) => {`,
        `  const avatar = req.files.avatar;`,
        `  avatar.mv(__dirname + '/public/avatars/' + avatar.name, () => res.end());`,
        `});`,
      ),
      findings: [{ line: 7, message: 'express-fileupload' }],
    },
    {
      name: '@fastify/multipart file piped to disk with pipeline',
      code: lines(
        `import Fastify from 'fastify';`,
        `import fs from 'node:fs';`,
        `import { pipeline } from 'node:stream/promises';`,
        `const fastify = Fastify();`,
        `fastify.post('/upload', async (request: any) => {`,
        `  const data = await request.file();`,
        '  await pipeline(data.file, fs.createWriteStream(`./uploads/${data.filename}`));',
        `  return { ok: true };`,
        `});`,
      ),
      findings: [{ line: 7 }],
    },
  ],
});
