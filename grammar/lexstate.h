/*
 * lexstate.h: state shared by the Flex scanner and the Bison parser of
 * one file. It travels as the scanner's "extra" value, so both stay
 * reentrant: no globals.
 */
#ifndef BNNC_LEXSTATE_H
#define BNNC_LEXSTATE_H

#include "bnnc.h"

typedef struct {
    Ctx *c;
    int file;
    int line, col;              /* position of the next character */
    int depth;                  /* open ( [ { */
    Loc open[BNNC_MAX_NEST + 1];/* where each open bracket is */
    char open_ch[BNNC_MAX_NEST + 1];
    Loc comment;                /* start of the current block comment */
    bool fatal;                 /* a lexical error ended the scan */
    Loc first;                  /* the first token of the file */
    Loc prev, cur;              /* the token before the last, the last */
    char prev_text[64];         /* text of the token before the last */
    char last[64];              /* text of the last token, for messages */
    Ast *root;
} LexState;

#endif
