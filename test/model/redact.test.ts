import { describe, expect, it } from 'vitest';
import { redactCommand, redactParams } from '../../src/model/redact.js';
import { completeRun } from '../../src/model/run.js';

describe('redactCommand', () => {
  it('hides the values of secret-looking options, separate or after =', () => {
    const command = ['python', 'train.py', '--api-key', 'sk-abc', '--token=t0k', '--password=hunter2', '--hf_token', 'hf_x', '--lr', '0.1'];
    expect(redactCommand(command)).toEqual(['python', 'train.py', '--api-key', '***', '--token=***', '--password=***', '--hf_token', '***', '--lr', '0.1']);
  });

  it('keeps hyperparameters that merely contain "token" and the option after a flag with no value', () => {
    const command = ['train', '--max-tokens', '512', '--tokenizer', 'bpe', '--use-token', '--epochs', '3'];
    expect(redactCommand(command)).toEqual(command);
  });

  it('hides URL passwords and Authorization headers', () => {
    expect(redactCommand(['--db', 'postgres://bob:s3cret@db:5432/x', '-H', 'Authorization: Bearer abc.def'])).toEqual([
      '--db',
      'postgres://bob:***@db:5432/x',
      '-H',
      'Authorization: ***',
    ]);
  });

  it('takes extra option-name patterns', () => {
    expect(redactCommand(['--wandb-cookie', 'c1', '--seed', '1'], ['cookie'])).toEqual(['--wandb-cookie', '***', '--seed', '1']);
  });
});

describe('completeRun', () => {
  it('stores the command and params redacted, with extra patterns from the new run, which it does not keep', () => {
    const run = completeRun({
      name: 'x',
      command: ['python', 'train.py', '--api-key', 'sk-1', '--session', 's1'],
      params: { hf_token: 'hf_1', lr: 0.1, url: 'https://u:p@h/' },
      secretPatterns: ['session'],
      startTime: 0,
      host: 'h',
      user: 'u',
      cwd: '/',
      version: '0',
      source: 'run',
    });
    expect(run.command).toEqual(['python', 'train.py', '--api-key', '***', '--session', '***']);
    expect(run.params).toEqual({ hf_token: '***', lr: 0.1, url: 'https://u:***@h/' });
    expect(run).not.toHaveProperty('secretPatterns');
    expect(redactParams({ password: 1 })).toEqual({ password: '***' });
  });
});
