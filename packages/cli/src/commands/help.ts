import { UsageError, type Command } from '../command.ts';

/** `help` reads the registry it belongs to, handed in to keep the modules free of a cycle. */
export function helpCommand(registry: () => Readonly<Record<string, Command>>): Command {
  return {
    name: 'help',
    summary: 'list the commands, or explain one',
    usage: '[command]',
    details: [],
    options: {},
    positionals: true,
    async run(_flags, positionals, io) {
      const commands = registry();
      const name = positionals[0];
      if (name === undefined) {
        io.out('usage: botsky <command> [flags]   (pnpm botsky <command> from the repository root)');
        io.out('');
        io.out('commands:');
        for (const c of Object.values(commands)) io.out(`  ${c.name.padEnd(8)} ${c.summary}`);
        io.out('');
        io.out('botsky help <command> explains one command and its flags.');
        return 0;
      }
      const command = commands[name];
      if (!command) throw new UsageError(`unknown command "${name}" (commands: ${Object.keys(commands).join(', ')})`);
      io.out(`usage: botsky ${command.name} ${command.usage}`.trimEnd());
      io.out('');
      io.out(command.summary);
      for (const line of command.details) io.out(`  ${line}`);
      return 0;
    },
  };
}
