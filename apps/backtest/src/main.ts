import { runBacktestCli } from './cli';

runBacktestCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
