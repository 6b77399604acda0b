// The Examples section of each command's --help, in one place. A command without an entry here fails the help test
// (test/cli/conventions.test.ts): add its examples when you add a command.

/** Example command lines and what each does, by command. */
export const commandExamples: Record<string, Array<[string, string]>> = {
  run: [
    ['runmeter run -- python train.py --lr 0.1', 'run a job and record it'],
    ['runmeter run --name baseline --param lr=0.1 --tag v1 -- python train.py', 'with a name, a parameter and a tag'],
    ['runmeter run --tty -- python train.py', 'on a terminal, so progress bars look as without runmeter'],
    ['runmeter run --json -- python train.py 2>summary.log', 'a JSON summary as the last line of stderr'],
    ['runmeter run --model model.onnx --batch-size 32 -- python train.py', 'FLOPs per step, achieved TFLOP/s and MFU'],
    ['srun runmeter run --join auto -- torchrun ... train.py', 'every node of a SLURM job into one run, labelled by node'],
  ],
  record: [['runmeter record --stdio < messages.jsonl', "record a run from the channel's messages (the Python client starts this outside runmeter run)"]],
  ls: [
    ['runmeter ls', 'the newest 50 runs'],
    ['runmeter ls --status failed --filter resnet', 'failed runs whose name, command or host says resnet'],
    ['runmeter ls --all --json', 'every run, as JSON'],
  ],
  show: [
    ['runmeter show last', 'the newest run'],
    ['runmeter show 3fk2', 'a run by a unique id prefix'],
    ['runmeter show resnet50 --json', 'the newest run named resnet50, as JSON'],
  ],
  logs: [
    ['runmeter logs last', "the newest run's output, both streams"],
    ['runmeter logs last --stderr | tail', 'its stderr only'],
    ['runmeter logs -f last', 'follow a run that is still going'],
    ['runmeter logs last --node gpu07', "one node's output of a run recorded with --join"],
  ],
  parse: [
    ['runmeter parse train.log', 'the metrics a log holds, summarised'],
    ['runmeter parse train.log --jsonl', 'every point, one JSON object per line'],
    ["python train.py | runmeter parse - --pattern 'reward=/reward (\\S+)/'", 'your own pattern, from a pipe'],
  ],
  import: [
    ['runmeter import train.log', 'record a run from a log written earlier'],
    ['runmeter import old.log --name baseline --started 2026-01-05T09:00:00Z', 'with a name and its start time'],
  ],
  export: [
    ['runmeter export last --format csv -o run.csv', 'every point, as CSV'],
    ['runmeter export last --format jsonl | head', 'as JSON Lines, to stdout'],
    ['runmeter export last --format prov-json -o run.prov.json', 'a W3C PROV-JSON provenance document'],
  ],
  flops: [
    ['runmeter flops model.onnx', "a model's MACs, FLOPs and parameters"],
    ['runmeter flops model.onnx --batch 8 --json', 'at batch 8, as JSON'],
    ['runmeter flops bert.onnx --input input_ids=8x128', 'with the dims of an input'],
  ],
  ui: [
    ['runmeter ui', 'the dashboard on http://127.0.0.1:8080'],
    ['runmeter ui --port 0 --open', 'on a free port, opened in the browser'],
  ],
  rm: [
    ['runmeter rm 3fk2', 'delete a run, after saying what goes and asking'],
    ['runmeter rm last --yes', 'without asking'],
  ],
  gc: [
    ['runmeter gc --older-than 30d --dry-run', 'what would go'],
    ['runmeter gc --older-than 2w --status failed --yes', 'failed runs older than two weeks, without asking'],
  ],
  sync: [
    ['runmeter sync', "add what this machine's spools hold to the default store"],
    ['runmeter sync --from /mnt/scratch/spools --json', 'add spools from a folder, and print what was added as JSON'],
  ],
  completion: [
    ['source <(runmeter completion bash)', 'bash, now; add the line to ~/.bashrc to keep it'],
    ['source <(runmeter completion zsh)', 'zsh, now; add the line to ~/.zshrc to keep it'],
    ['runmeter completion fish > ~/.config/fish/completions/runmeter.fish', 'fish, for good'],
  ],
  server: [
    ['runmeter server --store postgres://runmeter@db/runmeter --host 0.0.0.0 --port 8080', "a team's server on PostgreSQL"],
    ['runmeter server --store ~/.runmeter', 'the same on a SQLite store, on 127.0.0.1'],
  ],
  token: [
    ['runmeter token create alice --store postgres://runmeter@db/runmeter', 'a token for alice, printed once'],
    ['runmeter token ls --store postgres://runmeter@db/runmeter', 'the tokens by name'],
    ['runmeter token revoke alice --store postgres://runmeter@db/runmeter', "revoke alice's token"],
  ],
  compare: [
    ['runmeter compare 3fk2 9x1a', 'params that differ and the metrics of two runs'],
    ['runmeter compare a b c --all --json', 'every param, as JSON'],
  ],
  tag: [
    ['runmeter tag last baseline', 'tag the newest run'],
    ["runmeter tag --filter 'lr > 0.01' sweep", 'tag every run a filter matches'],
  ],
  rename: [['runmeter rename last resnet50-baseline', 'rename the newest run']],
  note: [
    ["runmeter note last 'diverged after the lr warm-up'", 'a note on the newest run'],
    ['runmeter note last --clear', 'remove it'],
  ],
};
