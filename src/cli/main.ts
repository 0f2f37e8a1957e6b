/**
 * The riskgate command line: parses the command name and hands the rest to its module.
 * Wiring only; every command lives in its own file under `commands/`.
 */
import { commands } from './commands/index.ts';

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    printHelp();
    return name === undefined ? 1 : 0;
  }
  const command = commands.find((c) => c.name === name);
  if (command === undefined) {
    console.error(`riskgate: unknown command '${name}'.`);
    printHelp();
    return 2;
  }
  return command.run(rest);
}

function printHelp(): void {
  const width = Math.max(...commands.map((c) => c.name.length));
  console.log('Usage: riskgate <command> [options]\n\nCommands:');
  for (const c of commands) console.log(`  ${c.name.padEnd(width)}  ${c.summary}`);
  console.log('\nRun `riskgate <command> --help` for the options of one command.');
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`riskgate: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
