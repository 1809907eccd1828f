#!/usr/bin/env node
// node vscode_package.js: checks that editors/vscode is a loadable extension
// as far as files go: package.json has what VS Code needs to install and
// activate it, the files it names exist and parse, the grammar's scope name
// is source.bnn, and the language configuration sets comments, brackets,
// auto-closing pairs and folding.
'use strict';
const fs = require('fs');
const path = require('path');

const dir = path.join(__dirname, '../../editors/vscode');
let failed = 0;
function check(ok, msg) {
  if (!ok) {
    console.log(`FAIL vscode package: ${msg}`);
    failed++;
  }
}
function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  } catch (e) {
    check(false, `${file}: ${e.message}`);
    return null;
  }
}
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

const pkg = readJson('package.json') || {};
for (const key of ['name', 'publisher', 'version'])
  check(typeof pkg[key] === 'string' && pkg[key], `package.json lacks "${key}"`);
check(/^\d+\.\d+\.\d+$/.test(pkg.version || ''), `version "${pkg.version}" is not x.y.z`);
check(pkg.engines && typeof pkg.engines.vscode === 'string', 'package.json lacks engines.vscode');
const contrib = pkg.contributes || {};
const lang = (contrib.languages || []).find((l) => l.id === 'bnn');
check(lang, 'contributes.languages has no "bnn"');
const grammar = (contrib.grammars || []).find((g) => g.language === 'bnn');
check(grammar, 'contributes.grammars has none for "bnn"');

if (lang) {
  check((lang.extensions || []).includes('.bnn'), 'the bnn language does not claim .bnn files');
  const conf = readJson(lang.configuration || '(no configuration)');
  if (conf) {
    check(conf.comments && conf.comments.lineComment === '#', 'line comment is not "#"');
    check(conf.comments && same(conf.comments.blockComment, ['/*', '*/']), 'block comment is not /* */');
    for (const pair of [['{', '}'], ['[', ']'], ['(', ')']]) {
      check((conf.brackets || []).some((b) => same(b, pair)), `brackets lack ${pair.join(' ')}`);
      check((conf.autoClosingPairs || []).some((p) => p.open === pair[0] && p.close === pair[1]),
        `autoClosingPairs lack ${pair.join(' ')}`);
    }
    check((conf.autoClosingPairs || []).some((p) => p.open === '"'), 'autoClosingPairs lack "');
    check(conf.folding && conf.folding.markers, 'no folding markers');
  }
}
if (grammar) {
  const g = readJson(grammar.path || '(no path)');
  check(grammar.scopeName === 'source.bnn', `contributed scope is "${grammar.scopeName}"`);
  if (g) check(g.scopeName === grammar.scopeName, `grammar scope "${g.scopeName}" differs from package.json`);
}
console.log(`vscode package: ${failed} problem(s)`);
process.exit(failed ? 1 : 0);
