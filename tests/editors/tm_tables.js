#!/usr/bin/env node
// node tm_tables.js TABLES: the word lists of the TextMate grammar
// (editors/vscode/syntaxes/bnn.tmLanguage.json) must be exactly the names
// that `bnnc --print-tables` printed into TABLES, kind by kind: nothing
// missing, nothing extra; and repository.shared-words must list exactly the
// enum words that are also op or attr names. Exit 1 and name the
// differences otherwise.
'use strict';
const fs = require('fs');
const path = require('path');

const grammarPath = path.join(__dirname, '../../editors/vscode/syntaxes/bnn.tmLanguage.json');

// Kind in the tables -> repository entry of the grammar that lists it.
const entries = {
  keyword: 'keywords',
  type: 'types',
  op: 'operations',
  attr: 'attributes',
  enum: 'enums',
  unit: 'units',
  property: 'properties',
};

function grammarWords(grammar, entry) {
  const rule = grammar.repository[entry];
  if (!rule || typeof rule.match !== 'string')
    throw new Error(`repository entry "${entry}" with a "match" is missing`);
  // The list is the first non-capturing group made only of names.
  const m = /\(\?:([A-Za-z0-9_\/]+(?:\|[A-Za-z0-9_\/]+)*)\)/.exec(rule.match);
  if (!m) throw new Error(`no (?:a|b|...) word list in repository entry "${entry}"`);
  return m[1].split('|');
}

function main() {
  if (process.argv.length !== 3) {
    console.error('usage: tm_tables.js TABLES');
    process.exit(2);
  }
  const wanted = {};
  for (const kind of Object.keys(entries)) wanted[kind] = [];
  let failed = 0;
  const lines = fs.readFileSync(process.argv[2], 'utf8').split('\n').filter((l) => l.trim());
  for (const line of lines) {
    const [kind, name, ...rest] = line.trim().split(/\s+/);
    if (!(kind in entries) || !name || rest.length) {
      console.log(`FAIL tables: "${line}": unknown kind or bad line (teach tm_tables.js the kind)`);
      failed++;
      continue;
    }
    wanted[kind].push(name);
  }
  const grammar = JSON.parse(fs.readFileSync(grammarPath, 'utf8'));
  let checked = 0;
  for (const [kind, entry] of Object.entries(entries)) {
    const have = grammarWords(grammar, entry);
    const missing = wanted[kind].filter((w) => !have.includes(w));
    const extra = have.filter((w) => !wanted[kind].includes(w));
    if (wanted[kind].length === 0) {
      console.log(`FAIL tables: no "${kind}" lines`);
      failed++;
    }
    if (missing.length) {
      console.log(`FAIL vscode: repository.${entry} lacks the ${kind} name(s) ${missing.join(' ')}`);
      failed++;
    }
    if (extra.length) {
      console.log(`FAIL vscode: repository.${entry} has ${extra.join(' ')}, which bnnc does not know as ${kind}`);
      failed++;
    }
    checked += wanted[kind].length;
  }
  // Enum words that are also operation or attribute names (kernel, dense)
  // are names in networks and blocks, values only in targets: the grammar
  // lists them in repository.shared-words.
  const shared = wanted.enum.filter((w) => wanted.op.includes(w) || wanted.attr.includes(w));
  const haveShared = grammarWords(grammar, 'shared-words');
  const sharedMissing = shared.filter((w) => !haveShared.includes(w));
  const sharedExtra = haveShared.filter((w) => !shared.includes(w));
  if (sharedMissing.length) {
    console.log(`FAIL vscode: repository.shared-words lacks ${sharedMissing.join(' ')}, both an enum word and an op or attr name`);
    failed++;
  }
  if (sharedExtra.length) {
    console.log(`FAIL vscode: repository.shared-words has ${sharedExtra.join(' ')}, not both an enum word and an op or attr name`);
    failed++;
  }
  console.log(`vscode tables: ${checked} names in ${Object.keys(entries).length} kinds, ${shared.length} shared, ${failed} difference(s)`);
  process.exit(failed ? 1 : 0);
}

main();
