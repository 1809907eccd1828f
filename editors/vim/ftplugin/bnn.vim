" Vim filetype plugin for bnn (binary neural network description) files
if exists('b:did_ftplugin')
  finish
endif
let b:did_ftplugin = 1

let s:cpo_save = &cpo
set cpo&vim

" '#' line comments; /* */ block comments (a ' *' leader inside them).
setlocal commentstring=#\ %s
setlocal comments=s1:/*,mb:*,ex:*/,:#
setlocal formatoptions-=t formatoptions+=croql
" Inner '-' joins identifier parts (cortex-a53), so make it part of a word.
setlocal iskeyword=a-z,A-Z,48-57,_,-

let b:undo_ftplugin = 'setlocal commentstring< comments< formatoptions< iskeyword<'

let &cpo = s:cpo_save
unlet s:cpo_save
