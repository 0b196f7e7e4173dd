import { Node, SyntaxKind, type CallExpression } from 'ts-morph';
import type { FileFacts } from '../facts';
import { isRequestHandlingCode } from '../facts/routes';
import { isCommandLineProgram, runtimeAt } from '../facts/runtime';
import { diskUploadConfigs, fileWriteOf, isBuiltFromRequest, isStreamedUploadWrite, isTemporaryPath, uploadMoveOf, type LocalUploadWrite } from '../facts/upload-storage';
import { createRule, type RuleContext } from './rule';
import { calleeOf } from './report-node';

const CONSEQUENCE = 'containers lose their disk on every deploy or restart, and the other instances behind the load balancer never see the file. Store it in object storage (S3, GCS, Azure Blob) or a database.';

export const localFileStorage = createRule({
  meta: {
    id: 'local-file-storage',
    title: 'Uploads or user data written to the server\'s local disk',
    category: 'operability',
    defaultSeverity: 'warning',
    summary: [
      'Request-handling code that keeps uploads or user data on the server\'s own disk (multer `dest`/`diskStorage`, formidable `uploadDir`, a busboy stream piped into `fs.createWriteStream`, an `fs` write to a path built from the request) works on one machine and loses data in production.',
      'Containers start from a clean image on every deploy, and each instance behind the load balancer has a disk of its own.',
    ].join(' '),
    explanation: [
      'On a laptop, or a single VM that is never replaced, `uploads/` is a folder that keeps what is written to it. In',
      'production the same code runs in containers or autoscaled instances:',
      '',
      '- **Deploys and restarts wipe it.** A container\'s file system is thrown away with the container: every deploy, crash',
      '  restart, node drain or scale-in deletes the avatars, attachments and exports users uploaded since the last one.',
      '- **Instances do not share it.** With two instances, the upload lands on one of them; the next request, served by the',
      '  other, answers 404 for the file the user just saw succeed.',
      '- **It fills up.** Nothing cleans it; the instance\'s small disk runs full and every write on it fails, the logs included.',
      '',
      '**What is flagged.** multer configured with `dest` or a `diskStorage(...)` engine, formidable with `uploadDir`, a',
      'busboy `file` stream piped into `fs.createWriteStream`, and `fs` writes (`writeFile`, `appendFile`, `createWriteStream`,',
      '`copyFile`, `rename`, their `Sync` forms, `fs/promises`, fs-extra `outputFile`/`move`) in request-handling code whose',
      'path or data is built from the request, and express-fileupload\'s `req.files.x.mv(path)`.',
    ].join('\n'),
    shortFix: [
      'Keep uploads in memory or stream them (multer `memoryStorage()`, `multer-s3`), and write them to object storage',
      '(`new PutObjectCommand({ Bucket, Key, Body })`), saving only the key in the database.',
    ].join('\n'),
    fix: [
      '- multer: `multer({ storage: multer.memoryStorage(), limits: { fileSize } })` and upload `req.file.buffer` to object storage,',
      '  or a storage engine that writes there (`multer-s3`, `multer-storage-cloudinary`).',
      '- busboy/formidable: stream the file to object storage (`@aws-sdk/lib-storage` `Upload` takes a stream) instead of to disk.',
      '- User data that is not a file (settings, exports): a database row, or object storage for large blobs.',
      '- If the platform gives you a shared volume (EFS, a persistent volume claim mounted by every instance), say so with a',
      '  suppression comment.',
    ].join('\n'),
    notFlagged: [
      'multer `memoryStorage()`, multer with no storage options (memory by default), and storage engines that write elsewhere (`multer-s3`).',
      'Scratch files under `os.tmpdir()` or `/tmp` (written to process and then deleted), including upload folders there (`multer({ dest: os.tmpdir() })`, a `diskStorage` whose `destination` is `/tmp`).',
      'Writes whose path and data the request does not decide (a log file, a cache of a file the server built), and writes outside request-handling code (start-up, jobs, one-off scripts and command-line programs in `bin/`, `cli/`, `scripts/`).',
    ],
    examples: [
      {
        bad: [
          "import express from 'express';",
          "import multer from 'multer';",
          '',
          'const app = express();',
          "const upload = multer({ dest: 'uploads/' });",
          '',
          "app.post('/avatar', upload.single('avatar'), (req, res) => {",
          '  res.json({ file: req.file?.filename });',
          '});',
        ].join('\n'),
        good: [
          "import express from 'express';",
          "import multer from 'multer';",
          "import { S3Client, PutObjectCommand } from '@aws-sdk/client-s3';",
          "import { randomUUID } from 'node:crypto';",
          '',
          'const app = express();',
          'const s3 = new S3Client({});',
          'const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: 5_000_000 } });',
          '',
          "app.post('/avatar', upload.single('avatar'), async (req, res) => {",
          '  const key = `avatars/${randomUUID()}`;',
          '  await s3.send(new PutObjectCommand({ Bucket: process.env.UPLOADS_BUCKET, Key: key, Body: req.file?.buffer }));',
          '  res.json({ key });',
          '});',
        ].join('\n'),
      },
    ],
  },
  create({ facts, report }) {
    if (isCommandLineProgram(facts.sourceFile)) return {};
    return {
      [SyntaxKind.CallExpression]: (call: CallExpression) => {
        const write = requestDataWriteOf(call, facts);
        if (write) reportWrite(write, report);
      },
      onFileEnd: () => {
        for (const config of diskUploadConfigs(facts)) {
          if (runtimeAt(config.node, facts) !== 'browser') reportWrite(config, report);
        }
      },
    };
  },
});

function requestDataWriteOf(call: CallExpression, facts: FileFacts): LocalUploadWrite | undefined {
  const move = uploadMoveOf(call, facts);
  if (move) return movedUpload(call, move.label, facts);
  const found = fileWriteOf(call, facts);
  if (!found || !isRequestHandlingCode(call, facts)) return undefined;
  const args = call.getArguments();
  const path = args[found.write.pathArgument];
  if (!path || isTemporaryPath(path, facts)) return undefined;
  if (found.write.name === 'createWriteStream' && isStreamedUploadWrite(call, facts)) return { node: call, kind: 'stream-to-disk', what: found.label };
  const data = found.write.dataArgument !== undefined ? args[found.write.dataArgument] : undefined;
  const fromRequest = isBuiltFromRequest(path, facts) || (data !== undefined && isBuiltFromRequest(data, facts));
  return fromRequest ? { node: call, kind: 'request-data-write', what: found.label } : undefined;
}

/** An uploaded file moved to a path on disk (`req.files.avatar.mv('./uploads/' + name)`), in request-handling code. */
function movedUpload(call: CallExpression, label: string, facts: FileFacts): LocalUploadWrite | undefined {
  const callee = call.getExpression();
  const [path] = call.getArguments();
  if (!Node.isPropertyAccessExpression(callee) || !path || !isRequestHandlingCode(call, facts) || isTemporaryPath(path, facts)) return undefined;
  return isBuiltFromRequest(callee.getExpression(), facts) ? { node: call, kind: 'request-data-write', what: label } : undefined;
}

function reportWrite(write: LocalUploadWrite, report: RuleContext['report']): void {
  const node = write.kind === 'request-data-write' || write.kind === 'stream-to-disk' ? calleeOf(write.node) : write.node;
  report({ node, message: `${describe(write)}: ${CONSEQUENCE}` });
}

function describe(write: LocalUploadWrite): string {
  switch (write.kind) {
    case 'upload-config':
      return `Uploads are saved to a folder on the server's local disk (${write.what})`;
    case 'disk-storage':
      return `Uploads are saved to the server's local disk (${write.what})`;
    case 'stream-to-disk':
      return `The uploaded file is streamed to the server's local disk (\`${write.what}\` in the upload's \`file\` handler)`;
    case 'request-data-write':
      return `Request data is written to the server's local disk (\`${write.what}\` with a path or data from the request)`;
  }
}
