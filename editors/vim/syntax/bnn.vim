" Vim syntax file
" Language:    bnn (binary neural networks and hardware targets, docs/language.md)
" Filenames:   *.bnn

if exists('b:current_syntax')
  finish
endif

let s:cpo_save = &cpo
set cpo&vim

" Word lists. They must match `bnnc --print-tables` (keyword, type, op, attr,
" enum, unit and property entries); the editors.vim.drift test checks it.
let s:keywords = ['bnn', 'import', 'network', 'block', 'target', 'input',
      \ 'output', 'return', 'repeat']
let s:types = ['f32', 'i32', 'u8', 'b1']
let s:operations = ['conv2d', 'bconv2d', 'depthwise_conv2d', 'dense',
      \ 'bdense', 'batchnorm', 'sign', 'relu', 'prelu', 'hardtanh', 'maxpool',
      \ 'avgpool', 'global_avgpool', 'add', 'concat', 'flatten', 'softmax',
      \ 'reshape', 'transpose', 'mul', 'sigmoid', 'slice', 'pad_channels', 'thresholds']
let s:attributes = ['filters', 'kernel', 'stride', 'padding', 'dilation',
      \ 'groups', 'units', 'size', 'multiplier', 'shape', 'perm', 'begin',
      \ 'end', 'before', 'after', 'value', 'levels', 'strict', 'bias', 'epsilon',
      \ 'center', 'scale', 'scaled', 'frozen', 'per_element']
let s:enums = ['valid', 'same', 'same_one', 'mcu', 'application', 'desktop',
      \ 'server', 'hardware', 'software', 'weights', 'activations', 'all',
      \ 'kernel', 'channel', 'dense', 'portable', 'swar', 'builtin', 'popcnt',
      \ 'avx2', 'avx512', 'neon', 'yes', 'no', 'measured', 'derived',
      \ 'estimated']
let s:units = ['Hz', 'kHz', 'MHz', 'GHz', 'B', 'KB', 'MB', 'GB', 'KiB', 'MiB',
      \ 'GiB', 'bit', 'bits', 'ns', 'us', 'ms', 's', 'cycle', 'cycles', 'B/s',
      \ 'KB/s', 'MB/s', 'GB/s', 'KiB/s', 'MiB/s', 'GiB/s', 'B/cycle', 'percent',
      \ 'mW', 'W', 'USD']
let s:properties = ['clock', 'max_clock', 'cores', 'efficiency', 'lanes', 'word', 'vector',
      \ 'price', 'power', 'class', 'popcount', 'packing', 'kernels',
      \ 'overhead', 'overlap', 'figures', 'validated_error', 'sync', 'cost', 'memory',
      \ 'ops', 'size', 'bandwidth', 'holds', 'shared']
" Enum words that are also operation or attribute names ('dense', 'kernel'):
" in networks and blocks they are names, values only in a target.
let s:shared = filter(copy(s:enums),
      \ 'index(s:operations, v:val) >= 0 || index(s:attributes, v:val) >= 0')

syn case match
" Inner '-' joins identifier parts: 'cortex-a53' and 'filters-1' are one name.
syn iskeyword a-z,A-Z,48-57,_,-
syn sync fromstart

" Lowest priority first: for matches starting at the same place, the one
" defined last wins (keywords always win over matches).
syn match bnnError ![^ \t\rA-Za-z0-9_{}()\[\],;:=+*/"#-]!
syn match bnnOperator "[=+*/-]"
syn match bnnDelimiter "[;,:\[\]]"
syn match bnnCommentError "\*/"

syn keyword bnnTodo contained TODO FIXME XXX NOTE
syn match bnnComment "#.*$" contains=bnnTodo,@Spell
syn region bnnBlockComment start="/\*" end="\*/" contains=bnnTodo,@Spell fold

syn match bnnEscapeError contained +\\.+
syn match bnnEscape contained +\\[\\"nt]+
syn region bnnString start=+"+ skip=+\\\\\|\\"+ end=+"+ end=+$+ oneline contains=bnnEscape,bnnEscapeError
syn match bnnStringError +"\%([^"\\]\|\\.\)*$+

" Numbers, then a unit. A name after a number that is not a unit is an error,
" unless a call follows ('repeat 4 block(...)'). As in the lexer, a name may end
" in '/s' or '/cycle' ('GB/s', 'B/cycle').
let s:numstart = '\%([A-Za-z0-9_.]\|[A-Za-z0-9_]-\)\@2<!'
exe 'syn match bnnNumber "' . s:numstart . '\d\+" nextgroup=bnnUnit,bnnUnitError skipwhite'
exe 'syn match bnnFloat "' . s:numstart . '\d\+\%(\.\d\+\%([eE][+-]\=\d\+\)\=\|[eE][+-]\=\d\+\)" nextgroup=bnnUnit,bnnUnitError skipwhite'
let s:unitend = '\%([A-Za-z0-9_/]\|-[A-Za-z0-9_]\)\@!\%(\s*(\)\@!'
exe 'syn match bnnUnitError contained "[A-Za-z_][A-Za-z0-9_]*\%(/s\|/cycle\)\=' . s:unitend . '"'
exe 'syn match bnnUnit contained "\%(' . join(s:units, '\|') . '\)' . s:unitend . '"'

" Calls of user blocks; operation names (keywords) win over this.
syn match bnnCall "\<\h\k*\ze\s*("
exe 'syn keyword bnnOperation ' . join(s:operations)
exe 'syn keyword bnnType ' . join(s:types)
exe 'syn keyword bnnConstant ' . join(filter(copy(s:enums), 'index(s:shared, v:val) < 0'))

" Keywords; network, block and target are followed by the declared name.
let s:declnext = {'network': 'bnnNetworkName', 'block': 'bnnBlockName',
      \ 'target': 'bnnTargetName'}
for s:kw in s:keywords
  if has_key(s:declnext, s:kw)
    exe 'syn keyword bnnKeyword ' . s:kw . ' nextgroup=' . s:declnext[s:kw] . ' skipwhite skipnl'
  else
    exe 'syn keyword bnnKeyword ' . s:kw
  endif
endfor
unlet s:kw

syn match bnnNetworkName contained "\h\k*"
syn match bnnBlockName contained "\h\k*" nextgroup=bnnBlockParams skipwhite skipnl
syn region bnnBlockParams contained matchgroup=bnnParen start="(" end=")" contains=bnnParamDecl,bnnDelimiter,bnnComment,bnnBlockComment,bnnError
syn match bnnParamDecl contained "\<\h\k*"

" Call arguments and parentheses: 'name = value' names a parameter.
syn cluster bnnExpr contains=bnnError,bnnOperator,bnnDelimiter,bnnCommentError,bnnComment,bnnBlockComment,bnnString,bnnStringError,bnnNumber,bnnFloat,bnnCall,bnnOperation,bnnType,bnnConstant,bnnKeyword,bnnParens
syn region bnnParens matchgroup=bnnParen start="(" end=")" contains=@bnnExpr,bnnParamName,bnnAttribute
syn match bnnParamName contained "\<\h\k*\ze\s*="
exe 'syn match bnnAttribute contained "\<\%(' . join(s:attributes, '\|') . '\)\>\ze\s*="'

" Network and block bodies (for folding).
syn region bnnBody transparent matchgroup=bnnBrace start="{" end="}" contains=TOP fold

" Targets: 'target NAME [: PARENT] { property = value; section { ... } }'.
syn match bnnTargetName contained "\h\k*" nextgroup=bnnTargetColon,bnnTargetBody skipwhite skipnl
syn match bnnTargetColon contained ":" nextgroup=bnnTargetParent skipwhite skipnl
syn match bnnTargetParent contained "\h\k*" nextgroup=bnnTargetBody skipwhite skipnl
syn region bnnTargetBody contained matchgroup=bnnBrace start="{" end="}" contains=@bnnTargetItems fold
syn cluster bnnTargetItems contains=bnnError,bnnOperator,bnnDelimiter,bnnCommentError,bnnComment,bnnBlockComment,bnnString,bnnStringError,bnnNumber,bnnFloat,bnnConstant,bnnTargetConstant,bnnSection,bnnPropertyName,bnnProperty,bnnTargetBody
syn match bnnSection contained "\<\h\k*\ze\s*{"
" Other names set in a target: the entries of 'cost { xnor = 1 cycle; }'.
syn match bnnPropertyName contained "\<\h\k*\ze\s*="
exe 'syn match bnnProperty contained "\<\%(' . join(s:properties, '\|') . '\)\>\ze\s*[={]"'
" The shared enum words, as values: 'packing = dense;' (not 'cost { dense = ...')
if !empty(s:shared)
  exe 'syn match bnnTargetConstant contained "\<\%(' . join(s:shared, '\|') . '\)\>\%(\s*[={]\)\@!"'
endif

hi def link bnnComment        Comment
hi def link bnnBlockComment   Comment
hi def link bnnTodo           Todo
hi def link bnnKeyword        Keyword
hi def link bnnType           Type
hi def link bnnOperation      Function
hi def link bnnCall           Function
hi def link bnnNetworkName    Function
hi def link bnnBlockName      Function
hi def link bnnTargetName     Function
hi def link bnnTargetParent   Type
hi def link bnnParamName      Identifier
hi def link bnnParamDecl      Identifier
hi def link bnnAttribute      Identifier
hi def link bnnProperty       Identifier
hi def link bnnPropertyName   Identifier
hi def link bnnSection        Structure
hi def link bnnConstant       Constant
hi def link bnnTargetConstant Constant
hi def link bnnNumber         Number
hi def link bnnFloat          Float
hi def link bnnUnit           Special
hi def link bnnString         String
hi def link bnnEscape         SpecialChar
hi def link bnnOperator       Operator
hi def link bnnDelimiter      Delimiter
hi def link bnnBrace          Delimiter
hi def link bnnParen          Delimiter
hi def link bnnTargetColon    Delimiter
hi def link bnnError          Error
hi def link bnnUnitError      Error
hi def link bnnEscapeError    Error
hi def link bnnStringError    Error
hi def link bnnCommentError   Error

let b:current_syntax = 'bnn'

let &cpo = s:cpo_save
unlet s:cpo_save
