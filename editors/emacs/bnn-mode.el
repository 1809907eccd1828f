;;; bnn-mode.el --- Major mode for .bnn files  -*- lexical-binding: t; -*-

;; Version: 0.1.0
;; Keywords: languages
;; Package-Requires: ((emacs "25.1"))

;;; Commentary:

;; Syntax highlighting, comments and indentation for `.bnn' files: binary
;; neural networks, blocks of layers and hardware targets, as read by the
;; `bnnc' compiler (see docs/language.md).
;;
;; Install: put this file in a directory on `load-path' and add
;;   (autoload 'bnn-mode "bnn-mode" nil t)
;;   (add-to-list 'auto-mode-alist '("\\.bnn\\'" . bnn-mode))
;; to your init file, or just (require 'bnn-mode).  With package.el,
;; M-x package-install-file on this file sets up the autoloads.

;;; Code:

(defgroup bnn nil
  "Major mode for .bnn files."
  :group 'languages
  :prefix "bnn-")

(defcustom bnn-indent-offset 4
  "Indentation of a nesting level in `bnn-mode'."
  :type 'integer
  :safe #'integerp)

(defface bnn-number-face '((t :inherit font-lock-constant-face))
  "Face for numbers in `bnn-mode'.")

(defface bnn-unit-face '((t :inherit font-lock-type-face))
  "Face for the unit after a number (GHz, KiB, cycles) in `bnn-mode'.")

(defface bnn-parameter-face '((t :inherit font-lock-variable-name-face))
  "Face for names that are not built in but name a parameter or property.
Block parameters, named arguments of block calls (`width = 2') and the
entries of a target's cost section (`xnor = 1 cycle').  Built-in
attributes and target properties have `font-lock-variable-name-face'.")

(defface bnn-call-face '((t :inherit font-lock-function-name-face))
  "Face for the name of a block in a call of it in `bnn-mode'.")

;; Word lists.  They must match `bnnc --print-tables' (keyword, type, op,
;; attr, enum, unit and property entries); the editors.emacs.drift test
;; checks it.
(defconst bnn-keywords
  '("bnn" "import" "network" "block" "target" "input" "output" "return"
    "repeat")
  "Keywords of the bnn language.")

(defconst bnn-types
  '("f32" "i32" "u8" "b1")
  "Element types.")

(defconst bnn-operations
  '("conv2d" "bconv2d" "depthwise_conv2d" "dense" "bdense" "batchnorm" "sign"
    "relu" "prelu" "hardtanh" "maxpool" "avgpool" "global_avgpool" "add"
    "concat" "flatten" "softmax" "reshape" "transpose" "mul" "sigmoid" "slice"
    "pad_channels" "thresholds")
  "Built-in operations.")

(defconst bnn-attributes
  '("filters" "kernel" "stride" "padding" "dilation" "groups" "units" "size"
    "multiplier" "shape" "perm" "begin" "end" "before" "after" "value" "levels" "strict"
    "bias" "epsilon" "center" "scale" "scaled" "frozen" "per_element")
  "Attributes of the built-in operations (`name = value' in a call).")

(defconst bnn-enums
  '("valid" "same" "same_one" "mcu" "application" "desktop" "server"
    "hardware" "software" "weights" "activations" "all" "kernel" "channel"
    "dense" "portable" "swar" "builtin" "popcnt" "avx2" "avx512" "neon" "yes"
    "no" "measured" "derived" "estimated")
  "Names that are values: padding modes and target property values.")

(defconst bnn-units
  '("Hz" "kHz" "MHz" "GHz" "B" "KB" "MB" "GB" "KiB" "MiB" "GiB" "bit" "bits"
    "ns" "us" "ms" "s" "cycle" "cycles" "B/s" "KB/s" "MB/s" "GB/s" "KiB/s"
    "MiB/s" "GiB/s" "B/cycle" "percent" "mW" "W" "USD")
  "Units written after a number.")

(defconst bnn-properties
  '("clock" "max_clock" "cores" "efficiency" "lanes" "word" "vector" "price" "power"
    "class" "popcount" "packing" "kernels" "overhead" "overlap" "figures" "sync"
    "validated_error" "cost" "memory" "ops" "size" "bandwidth" "holds"
    "shared")
  "Target property and section names.")

(defconst bnn--shared-enums
  (let (shared)
    (dolist (word bnn-enums (nreverse shared))
      (when (or (member word bnn-operations) (member word bnn-attributes))
        (push word shared))))
  "Enum words that are also operation or attribute names (dense, kernel).
In networks and blocks they are names; only in a target are they values.")

(defconst bnn--name-re "[A-Za-z_][A-Za-z0-9_]*\\(?:-[A-Za-z0-9_]+\\)*"
  "An identifier; an inner `-' joins its parts (cortex-a53).")

(defvar bnn-mode-syntax-table
  (let ((st (make-syntax-table)))
    ;; `#' to end of line (style b), `/* ... */' (style a).
    (modify-syntax-entry ?# "< b" st)
    (modify-syntax-entry ?\n "> b" st)
    (modify-syntax-entry ?/ ". 14" st)
    (modify-syntax-entry ?* ". 23" st)
    (modify-syntax-entry ?_ "_" st)
    (modify-syntax-entry ?- "_" st)
    (modify-syntax-entry ?\" "\"" st)
    (modify-syntax-entry ?\\ "\\" st)
    (dolist (c '(?+ ?= ?: ?\; ?, ?. ?' ?@ ?$ ?% ?& ?| ?< ?> ?! ?? ?~ ?^ ?`))
      (modify-syntax-entry c "." st))
    st)
  "Syntax table for `bnn-mode'.")

(defun bnn--syntax-propertize (start end)
  "Close strings left open at the end of their line, between START and END.
A string may not span lines: the opening quote of one that is not closed
on its line and the newline after it become string fences, so the rest of
the file reads as code again."
  (goto-char start)
  (while (re-search-forward "\"" end t)
    (let ((quote (match-beginning 0)))
      ;; Only a quote in code opens a string.  `syntax-ppss' is asked in
      ;; increasing order and only about positions before the properties
      ;; set here, so its cache stays right.
      (unless (nth 8 (save-excursion (syntax-ppss quote)))
        (if (looking-at "\\(?:[^\"\\\n]\\|\\\\.\\)*\"")
            (goto-char (match-end 0))
          (put-text-property quote (1+ quote)
                             'syntax-table (string-to-syntax "|"))
          (end-of-line)
          (unless (eobp)
            (put-text-property (point) (1+ (point))
                               'syntax-table (string-to-syntax "|"))))))))

(defun bnn--open-delims (pos)
  "Positions of the brackets open at POS, outermost first."
  (save-excursion (nth 9 (syntax-ppss pos))))

(defun bnn--in-target-p (pos)
  "Non-nil if POS is in the body of a target declaration."
  (let ((outer (car (bnn--open-delims pos))))
    (when (and outer (eq (char-after outer) ?{))
      (save-excursion
        (goto-char outer)
        (let (kw)
          (while (and (not kw)
                      (re-search-backward "\\_<\\(network\\|block\\|target\\)\\_>" nil t))
            (unless (nth 8 (syntax-ppss))
              (setq kw (match-string 1))))
          (equal kw "target"))))))

(defun bnn--target-value-p (pos)
  "Non-nil if the name at POS is a value in a target: `packing = dense'.
Not when it names a property or section (`cost { dense = 2 cycles; }')."
  (and (bnn--in-target-p pos)
       (save-excursion
         (goto-char pos)
         (not (looking-at (concat bnn--name-re "[ \t]*[={]"))))))

(defun bnn--in-parens-p (pos)
  "Non-nil if POS is directly inside parentheses."
  (let ((open (car (last (bnn--open-delims pos)))))
    (and open (eq (char-after open) ?\())))

(defun bnn--code-p (pos)
  "Non-nil if POS is outside comments and strings."
  (not (nth 8 (save-excursion (syntax-ppss pos)))))

(defun bnn--matcher (regexp pred)
  "Return a font-lock matcher for REGEXP where PRED holds at the match start."
  (lambda (limit)
    (let (found)
      (while (and (not found) (re-search-forward regexp limit t))
        (when (save-match-data (funcall pred (match-beginning 0)))
          (setq found t)))
      found)))

(defun bnn--match-number (limit)
  "Font-lock matcher for a number and the name after it, up to LIMIT.
Group 1 is the number, group 2 a known unit, group 3 an unknown one.
As in the lexer, a unit name may end in /s or /cycle (GB/s, B/cycle)."
  (let (found)
    (while (and (not found)
                (re-search-forward
                 "[0-9]+\\(?:\\.[0-9]+\\)?\\(?:[eE][-+]?[0-9]+\\)?" limit t))
      (let* ((nb (match-beginning 0)) (ne (match-end 0))
             (before (char-before nb))
             (inside-name
              (or (and before (string-match-p "[A-Za-z0-9_.]" (string before)))
                  (and (eq before ?-) (> nb (1+ (point-min)))
                       (string-match-p "[A-Za-z0-9_]"
                                       (string (char-before (1- nb))))))))
        (unless inside-name
          (setq found t)
          (let (ub ue known)
            (save-excursion
              (goto-char ne)
              (when (looking-at "[ \t]*\\([A-Za-z_][A-Za-z0-9_]*\\(?:/s\\|/cycle\\)?\\)")
                (setq ub (match-beginning 1) ue (match-end 1)
                      known (member (match-string 1) bnn-units))
                (goto-char ue)
                ;; Not a unit when the name goes on or a call follows:
                ;; `repeat 4 block(...)'.
                (when (looking-at "[A-Za-z0-9_/]\\|-[A-Za-z0-9_]\\|[ \t]*(")
                  (setq ub nil))))
            (if ub
                (progn
                  (set-match-data (if known
                                      (list nb ue nb ne ub ue)
                                    (list nb ue nb ne nil nil ub ue)))
                  (goto-char ue))
              (set-match-data (list nb ne nb ne))
              (goto-char ne))))))
    found))

(defun bnn--match-unterminated (limit)
  "Font-lock matcher for a string left open at the end of its line, up to LIMIT."
  (let (found)
    (while (and (not found) (re-search-forward "\"[^\n]*" limit t))
      (if (equal (get-text-property (match-beginning 0) 'syntax-table)
                 (string-to-syntax "|"))
          (setq found t)
        (goto-char (1+ (match-beginning 0)))))
    found))

(defun bnn--match-bad-escape (limit)
  "Font-lock matcher for an unknown escape in a string, up to LIMIT.
Strings know `\\\"', `\\\\', `\\n' and `\\t'."
  (let (found)
    (while (and (not found) (re-search-forward "\\\\\\(.\\)" limit t))
      (when (and (not (member (match-string 1) '("\"" "\\" "n" "t")))
                 (nth 3 (save-excursion (syntax-ppss (match-beginning 0)))))
        (setq found t)))
    found))

(defun bnn--font-lock-keywords ()
  "Font-lock keywords for `bnn-mode'."
  (let ((name bnn--name-re))
    `((,(concat "\\_<\\(network\\|block\\|target\\)\\_>[ \t]+\\(" name "\\)")
       (2 font-lock-function-name-face))
      (,(concat "\\_<target\\_>[ \t]+" name "[ \t]*:[ \t]*\\(" name "\\)")
       (1 font-lock-type-face))
      (,(regexp-opt bnn-keywords 'symbols) . font-lock-keyword-face)
      (,(regexp-opt bnn-types 'symbols) . font-lock-type-face)
      ;; Enum words that are also operation or attribute names are values
      ;; only in a target; elsewhere the operation and attribute rules and
      ;; the ones for other names apply.
      ,@(when bnn--shared-enums
          `((,(bnn--matcher (regexp-opt bnn--shared-enums 'symbols)
                            #'bnn--target-value-p)
             . font-lock-constant-face)))
      (,(regexp-opt bnn-operations 'symbols) . font-lock-builtin-face)
      (,(regexp-opt (let (plain)
                      (dolist (word bnn-enums (nreverse plain))
                        (unless (member word bnn--shared-enums)
                          (push word plain))))
                    'symbols)
       . font-lock-constant-face)
      (,(bnn--matcher (concat (regexp-opt bnn-attributes 'symbols) "[ \t]*=")
                      #'bnn--in-parens-p)
       (1 font-lock-variable-name-face))
      (,(bnn--matcher (concat (regexp-opt bnn-properties 'symbols) "[ \t]*[={]")
                      #'bnn--in-target-p)
       (1 font-lock-variable-name-face))
      (,(bnn--matcher (concat "\\_<\\(" name "\\)\\_>[ \t]*{") #'bnn--in-target-p)
       (1 font-lock-type-face))
      ;; Names that are not built in: block parameters, named arguments,
      ;; cost entries; then calls of blocks.  Rules above win over these.
      (,(concat "\\_<block\\_>[ \t\n]+" name "[ \t\n]*(")
       (,name (save-excursion (or (ignore-errors (up-list) (point))
                                  (line-end-position)))
              nil (0 'bnn-parameter-face)))
      (,(bnn--matcher (concat "\\_<\\(" name "\\)\\_>[ \t]*=") #'bnn--in-parens-p)
       (1 'bnn-parameter-face))
      (,(bnn--matcher (concat "\\_<\\(" name "\\)\\_>[ \t]*=") #'bnn--in-target-p)
       (1 'bnn-parameter-face))
      (,(concat "\\_<\\(" name "\\)\\_>[ \t]*(") (1 'bnn-call-face))
      (bnn--match-number
       (1 'bnn-number-face)
       (2 'bnn-unit-face nil t)
       (3 font-lock-warning-face nil t))
      (bnn--match-unterminated (0 font-lock-warning-face t))
      (bnn--match-bad-escape (0 font-lock-warning-face t))
      ;; Characters that are not part of the language.
      ("[^][ \t\r\nA-Za-z0-9_{}(),;:=+*/\"#-]" . font-lock-warning-face)
      (,(bnn--matcher "\\*/" #'bnn--code-p) . font-lock-warning-face))))

(defun bnn-indent-line ()
  "Indent the current line by the nesting of brackets."
  (interactive)
  (let* ((depth (save-excursion (car (syntax-ppss (line-beginning-position)))))
         (closing (save-excursion
                    (back-to-indentation)
                    (looking-at "[])}]")))
         (column (* bnn-indent-offset (max 0 (if closing (1- depth) depth))))
         (offset (- (current-column) (current-indentation))))
    (indent-line-to column)
    (when (> offset 0) (forward-char offset))))

(defvar bnn-font-lock-keywords (bnn--font-lock-keywords)
  "Font-lock keywords of `bnn-mode', built from the word lists.")

;;;###autoload
(define-derived-mode bnn-mode prog-mode "BNN"
  "Major mode for .bnn files (binary neural networks and hardware targets)."
  :syntax-table bnn-mode-syntax-table
  (setq-local comment-start "# ")
  (setq-local comment-end "")
  (setq-local comment-start-skip "\\(?:#+\\|/\\*+\\)[ \t]*")
  (setq-local comment-end-skip "[ \t]*\\*+/")
  (setq-local syntax-propertize-function #'bnn--syntax-propertize)
  (setq-local font-lock-defaults '(bnn-font-lock-keywords))
  (setq-local indent-line-function #'bnn-indent-line)
  (setq-local indent-tabs-mode nil)
  (setq-local electric-indent-chars (append "{}" electric-indent-chars)))

;;;###autoload
(add-to-list 'auto-mode-alist '("\\.bnn\\'" . bnn-mode))

(provide 'bnn-mode)

;;; bnn-mode.el ends here
