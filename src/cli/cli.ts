import { parseArgs } from './args';
import { runAuditVerify } from './audit';
import type { CliIo } from './deidentifyCommand';
import { runDeidentify } from './deidentifyCommand';
import { SetupError, UsageError } from './errors';
import { auditHelp, deidentifyHelp, keygenHelp, mainHelp } from './help';
import { generateProjectKey, writeKeyFile } from './keyFile';
import { VEIL_VERSION } from './version';

/**
 * Runs one command line and returns the exit code: 0 ok, 1 some files failed (or an audit log
 * failed to verify), 2 usage or setup.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const command = parseArgs(argv);
    switch (command.kind) {
      case 'help':
        io.stdout.write(
          command.topic === 'deidentify'
            ? deidentifyHelp()
            : command.topic === 'keygen'
              ? keygenHelp()
              : command.topic === 'audit'
                ? auditHelp()
                : mainHelp(),
        );
        return 0;
      case 'version':
        io.stdout.write(`veil ${VEIL_VERSION}\n`);
        return 0;
      case 'keygen': {
        const key = generateProjectKey();
        await writeKeyFile(command.file, key);
        io.stdout.write(
          `veil: wrote ${command.file} (fingerprint ${key.fingerprint}); keep it secret\n`,
        );
        return 0;
      }
      case 'deidentify':
        return await runDeidentify(command, io);
      case 'audit-verify':
        return await runAuditVerify(command.file, io);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`veil: ${error.message}\nveil: see \`veil --help\`\n`);
      return 2;
    }
    if (error instanceof SetupError) {
      io.stderr.write(`veil: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}
