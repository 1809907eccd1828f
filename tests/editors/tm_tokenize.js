#!/usr/bin/env node
// Tokenize .bnn files with the VS Code TextMate engine (vscode-textmate +
// vscode-oniguruma, installed with vscode-tmgrammar-test).
//   node tm_tokenize.js --dump FILE...     print every token with its scopes
//   node tm_tokenize.js --no-invalid FILE... fail if any token is invalid.*
'use strict';
const fs = require('fs');
const path = require('path');
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const grammarPath = path.join(__dirname, '../../editors/vscode/syntaxes/bnn.tmLanguage.json');
const wasm = fs.readFileSync(path.join(path.dirname(require.resolve('vscode-oniguruma')), 'onig.wasm')).buffer;

async function main() {
  const args = process.argv.slice(2);
  const mode = args.shift();
  if (mode !== '--dump' && mode !== '--no-invalid') {
    console.error('usage: tm_tokenize.js --dump|--no-invalid FILE...');
    process.exit(2);
  }
  await oniguruma.loadWASM(wasm);
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (s) => new oniguruma.OnigScanner(s),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scope) => scope === 'source.bnn'
      ? vsctm.parseRawGrammar(fs.readFileSync(grammarPath, 'utf8'), grammarPath) : null,
  });
  const grammar = await registry.loadGrammar('source.bnn');
  let bad = 0;
  for (const file of args) {
    const lines = fs.readFileSync(file, 'utf8').split(/\r?\n/);
    let stack = vsctm.INITIAL;
    lines.forEach((line, i) => {
      const r = grammar.tokenizeLine(line, stack);
      for (const t of r.tokens) {
        const text = line.substring(t.startIndex, t.endIndex);
        const scopes = t.scopes.join(' ');
        if (mode === '--dump') {
          console.log(`${i + 1}:${t.startIndex + 1} ${JSON.stringify(text)} ${scopes}`);
        } else if (t.scopes.some((s) => s.startsWith('invalid.'))) {
          console.log(`${file}:${i + 1}:${t.startIndex + 1}: ${JSON.stringify(text)} is ${t.scopes[t.scopes.length - 1]}`);
          bad++;
        }
      }
      stack = r.ruleStack;
    });
  }
  if (mode === '--no-invalid') {
    console.log(`vscode: ${args.length} file(s) scanned, ${bad} invalid token(s)`);
    process.exit(bad ? 1 : 0);
  }
}
main().catch((e) => { console.error(e); process.exit(2); });
