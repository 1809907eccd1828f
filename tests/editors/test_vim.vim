" Headless tests of editors/vim:
"   vim -u NONE -es -N -c 'source tests/editors/test_vim.vim'
" Checks filetype detection, the ftplugin settings and, for every fixture
" file, the highlight group at each position that a TextMate assertion
" comment ('#   ^^^ scope') names, mapped to the Vim group below.
" Environment (lists are one file a line):
"   BNN_FIXTURES  fixture files (default: fixtures/*.bnn here), e.g. the one
"                 gen_fixture.sh makes from `bnnc --print-tables`
"   BNN_CLEAN     files that must show no error highlighting (the examples)
"   BNN_TABLES    output of `bnnc --print-tables`: the word lists of
"                 syntax/bnn.vim must hold exactly its names
"   BNN_LOG       file to write the report to (default: standard output)
" Exits with :cquit when anything failed.

set nocompatible noswapfile nomore shortmess+=A
let s:here = expand('<sfile>:p:h')
let s:root = fnamemodify(s:here, ':h:h')
execute 'set runtimepath^=' . fnameescape(s:root . '/editors/vim')
filetype plugin on
syntax on

" TextMate scope -> Vim highlight groups accepted there. Scopes not listed
" (punctuation) are not checked.
let s:groups = {
      \ 'comment.line.number-sign.bnn': ['bnnComment'],
      \ 'comment.block.bnn': ['bnnBlockComment'],
      \ 'keyword.control.bnn': ['bnnKeyword'],
      \ 'storage.type.bnn': ['bnnType'],
      \ 'support.function.builtin.bnn': ['bnnOperation'],
      \ 'entity.name.function.call.bnn': ['bnnCall'],
      \ 'entity.name.type.network.bnn': ['bnnNetworkName'],
      \ 'entity.name.function.block.bnn': ['bnnBlockName'],
      \ 'entity.name.type.target.bnn': ['bnnTargetName'],
      \ 'entity.other.inherited-class.bnn': ['bnnTargetParent'],
      \ 'punctuation.separator.inheritance.bnn': ['bnnTargetColon'],
      \ 'entity.name.section.bnn': ['bnnSection'],
      \ 'support.type.property-name.bnn': ['bnnProperty'],
      \ 'variable.parameter.attribute.bnn': ['bnnAttribute'],
      \ 'variable.parameter.bnn': ['bnnParamName', 'bnnParamDecl'],
      \ 'variable.other.property.bnn': ['bnnPropertyName'],
      \ 'constant.language.bnn': ['bnnConstant', 'bnnTargetConstant'],
      \ 'constant.numeric.integer.bnn': ['bnnNumber'],
      \ 'constant.numeric.float.bnn': ['bnnFloat'],
      \ 'keyword.other.unit.bnn': ['bnnUnit'],
      \ 'invalid.illegal.unit.bnn': ['bnnUnitError'],
      \ 'string.quoted.double.bnn': ['bnnString'],
      \ 'constant.character.escape.bnn': ['bnnEscape'],
      \ 'invalid.illegal.escape.bnn': ['bnnEscapeError'],
      \ 'invalid.illegal.unterminated-string.bnn': ['bnnStringError'],
      \ 'invalid.illegal.character.bnn': ['bnnError'],
      \ 'invalid.illegal.stray-comment-end.bnn': ['bnnCommentError'],
      \ 'keyword.operator.assignment.bnn': ['bnnOperator'],
      \ 'keyword.operator.arithmetic.bnn': ['bnnOperator'],
      \ }

let s:checks = 0
let s:failed = 0

function! s:Say(msg) abort
  call writefile([a:msg], empty($BNN_LOG) ? '/dev/stdout' : $BNN_LOG, 'a')
endfunction

function! s:Check(ok, msg) abort
  let s:checks += 1
  if !a:ok
    let s:failed += 1
    call s:Say('FAIL ' . a:msg)
  endif
endfunction

" Parse the assertion comments of the current buffer (vscode-tmgrammar-test
" format). Returns [[lnum, from, len, scopes], ...], from/len in characters.
function! s:Assertions() abort
  let result = []
  let src = 0
  for lnum in range(2, line('$'))
    let l = getline(lnum)
    let m = matchlist(l, '^#\(\s*\%(\^\+\s*\)\+\)\(.*\)$')
    let n = matchlist(l, '^#\s*<\(\~*\)\(-\+\)\(.*\)$')
    if !empty(m)
      let scopes = s:Required(m[2])
      let col = 0
      while 1
        let start = match(l, '\^\+', col)
        if start < 0 || start >= len(m[1]) + 1
          break
        endif
        let stop = matchend(l, '\^\+', start)
        call add(result, [src, start, stop - start, scopes])
        let col = stop
      endwhile
    elseif !empty(n)
      call add(result, [src, len(n[1]), len(n[2]), s:Required(n[3])])
    else
      let src = lnum
    endif
  endfor
  return result
endfunction

" Scopes before a standalone '-' are required; the rest are exclusions.
function! s:Required(text) abort
  let words = split(a:text)
  let i = index(words, '-')
  return i < 0 ? words : i == 0 ? [] : words[: i - 1]
endfunction

function! s:Expected(scopes) abort
  for scope in reverse(copy(a:scopes))
    if has_key(s:groups, scope)
      return [scope, s:groups[scope]]
    endif
  endfor
  return ['', []]
endfunction

function! s:TestFile(file) abort
  execute 'silent edit! ' . fnameescape(a:file)
  let name = fnamemodify(a:file, ':~:.')
  call s:Check(&filetype ==# 'bnn', name . ': filetype is "' . &filetype . '", expected "bnn"')
  call s:Check(get(b:, 'current_syntax', '') ==# 'bnn', name . ': bnn syntax not loaded')
  for [lnum, from, len, scopes] in s:Assertions()
    let [scope, groups] = s:Expected(scopes)
    if empty(groups)
      continue
    endif
    " One check per assertion: every character under it has a right group.
    let line = getline(lnum)
    let found = []
    for k in range(from, from + len - 1)
      let group = synIDattr(synID(lnum, byteidx(line, k) + 1, 1), 'name')
      if index(groups, group) < 0 && index(found, group) < 0
        call add(found, group)
      endif
    endfor
    call s:Check(empty(found), printf('%s:%d:%d: %s is %s, expected %s (%s)',
          \ name, lnum, from + 1, string(strcharpart(line, from, len)),
          \ join(map(found, 'empty(v:val) ? "not highlighted" : v:val'), ' and '),
          \ join(groups, ' or '), scope))
  endfor
  silent bwipeout!
endfunction

" Files that must show no Error highlighting anywhere (the examples).
function! s:TestClean(file) abort
  execute 'silent edit! ' . fnameescape(a:file)
  let name = fnamemodify(a:file, ':~:.')
  let bad = []
  for lnum in range(1, line('$'))
    let line = getline(lnum)
    for col in range(1, len(line))
      if synIDattr(synIDtrans(synID(lnum, col, 1)), 'name') ==# 'Error'
        call add(bad, printf('%d:%d', lnum, col))
      endif
    endfor
  endfor
  call s:Check(empty(bad), name . ': error highlighting at ' . join(bad[:9], ', '))
  silent bwipeout!
endfunction

function! s:TestFtplugin() abort
  let file = s:here . '/fixtures/network.bnn'
  execute 'silent edit! ' . fnameescape(file)
  call s:Check(&l:commentstring ==# '# %s', 'ftplugin: commentstring is "' . &l:commentstring . '"')
  call s:Check(&l:comments =~# ':#', 'ftplugin: comments is "' . &l:comments . '"')
  call s:Check(&l:iskeyword =~# '-', 'ftplugin: iskeyword lacks "-"')
  call s:Check(exists('b:undo_ftplugin'), 'ftplugin: b:undo_ftplugin not set')
  execute get(b:, 'undo_ftplugin', '')
  call s:Check(&l:commentstring ==# &g:commentstring, 'ftplugin: undo_ftplugin leaves commentstring "' . &l:commentstring . '"')
  silent bwipeout!
  " A buffer named *.bnn that is not read from disk is detected too.
  silent edit! new-file.bnn
  call s:Check(&filetype ==# 'bnn', 'ftdetect: new *.bnn buffer has filetype "' . &filetype . '"')
  silent bwipeout!
endfunction

" The word lists of syntax/bnn.vim ('let s:NAME = [...]', continuation lines
" joined) against the compiler's tables: the same names, kind by kind.
let s:lists = {'keyword': 'keywords', 'type': 'types', 'op': 'operations',
      \ 'attr': 'attributes', 'enum': 'enums', 'unit': 'units',
      \ 'property': 'properties'}

function! s:SyntaxLists() abort
  let logical = []
  for l in readfile(s:root . '/editors/vim/syntax/bnn.vim')
    if l =~# '^\s*\\' && !empty(logical)
      let logical[-1] .= substitute(l, '^\s*\\', '', '')
    else
      call add(logical, l)
    endif
  endfor
  let lists = {}
  for l in logical
    let m = matchlist(l, '^let s:\(\w\+\) = \(\[.*\]\)\s*$')
    if !empty(m)
      let lists[m[1]] = eval(m[2])
    endif
  endfor
  return lists
endfunction

function! s:TestTables(file) abort
  let wanted = {}
  for kind in keys(s:lists)
    let wanted[kind] = []
  endfor
  for l in readfile(a:file)
    let w = split(l)
    if empty(w)
      continue
    endif
    if len(w) != 2 || !has_key(wanted, w[0])
      call s:Check(0, 'tables: "' . l . '": unknown kind or bad line (teach test_vim.vim the kind)')
      continue
    endif
    call add(wanted[w[0]], w[1])
  endfor
  let have = s:SyntaxLists()
  for [kind, var] in items(s:lists)
    let got = get(have, var, [])
    call s:Check(!empty(wanted[kind]), 'tables: no "' . kind . '" lines')
    call s:Check(has_key(have, var), 'vim: syntax/bnn.vim has no s:' . var . ' list')
    let missing = filter(copy(wanted[kind]), 'index(got, v:val) < 0')
    let extra = filter(copy(got), 'index(wanted[kind], v:val) < 0')
    call s:Check(empty(missing), 'vim: s:' . var . ' lacks the ' . kind . ' name(s) ' . join(missing))
    call s:Check(empty(extra), 'vim: s:' . var . ' has ' . join(extra) . ', which bnnc does not know as ' . kind)
  endfor
endfunction

try
  call s:TestFtplugin()
  let s:files = exists('$BNN_FIXTURES') ? split($BNN_FIXTURES, "\n")
        \ : glob(s:here . '/fixtures/*.bnn', 0, 1)
  for s:f in s:files
    call s:TestFile(s:f)
  endfor
  let s:clean = split($BNN_CLEAN, "\n")
  for s:f in s:clean
    call s:TestClean(s:f)
  endfor
  if !empty($BNN_TABLES)
    call s:TestTables($BNN_TABLES)
  endif
  call s:Say(printf('vim: %d fixture file(s), %d clean file(s), %s, %d checks, %d failed',
        \ len(s:files), len(s:clean), empty($BNN_TABLES) ? 'no tables' : 'tables',
        \ s:checks, s:failed))
catch
  call s:Say('FAIL vim test aborted: ' . v:exception . ' at ' . v:throwpoint)
  cquit
endtry
if s:failed
  cquit
endif
qall!
