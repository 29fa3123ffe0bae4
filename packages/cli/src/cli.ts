// Dispatches `botsky <command> [flags]` to the command registry. Usage mistakes (an unknown
// command or flag, a bad value) print one line and exit 2; anything else is the command's own.
import { parseArgs } from 'node:util';
import { UsageError, type CliIo, type Command } from './command.ts';
import { commands } from './commands/index.ts';

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === '--help' || name === '-h') return await commands.help!.run({}, [], io);
    const command = commands[name];
    if (!command) throw new UsageError(`unknown command "${name}" (try: botsky help)`);
    if (rest.includes('--help') || rest.includes('-h')) return await commands.help!.run({}, [name], io);
    const { values, positionals } = parse(command, rest);
    return await command.run(values, positionals, io);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.err(`botsky${name && commands[name] ? ` ${name}` : ''}: ${err.message}`);
    return 2;
  }
}

function parse(command: Command, args: readonly string[]) {
  try {
    return parseArgs({ args: [...args], options: command.options, allowPositionals: command.positionals ?? false, strict: true });
  } catch (err) {
    throw new UsageError(describeParseError(err, command), { cause: err });
  }
}

/** node:util's messages run to several sentences; one short line is enough. */
function describeParseError(err: unknown, command: Command): string {
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: string }).code;
  const quoted = /'([^']+)'/.exec(message)?.[1];
  const flag = /'(-[^' ]+)/.exec(message)?.[1];
  const hint = `(try: botsky help ${command.name})`;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown flag ${quoted ?? message} ${hint}`;
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return `unexpected argument "${quoted ?? message}" ${hint}`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && flag) return `${flag} needs a value ${hint}`;
  return `${message.split(/\.\s|\n/)[0]} ${hint}`;
}
