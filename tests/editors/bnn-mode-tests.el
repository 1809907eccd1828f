;;; bnn-mode-tests.el --- ERT tests of editors/emacs/bnn-mode.el  -*- lexical-binding: t; -*-

;; emacs -Q -batch -l ert -l tests/editors/bnn-mode-tests.el -f ert-run-tests-batch-and-exit
;;
;; For every fixture file, each position named by a TextMate assertion
;; comment (`#   ^^^ scope') must have the face mapped from that scope below.
;; Environment (lists are one file a line):
;;   BNN_FIXTURES  fixture files (default: fixtures/*.bnn here), e.g. the one
;;                 gen_fixture.sh makes from `bnnc --print-tables'
;;   BNN_CLEAN     files that must show no warning face (the examples)
;;   BNN_TABLES    output of `bnnc --print-tables': the word lists of
;;                 bnn-mode.el must hold exactly its names

(require 'ert)
(require 'cl-lib)

(defconst bnn-test-dir
  (file-name-directory (or load-file-name buffer-file-name)))
(defconst bnn-test-mode-file
  (expand-file-name "../../editors/emacs/bnn-mode.el" bnn-test-dir))

(load bnn-test-mode-file nil t)

(defconst bnn-test-faces
  '(("comment.line.number-sign.bnn" font-lock-comment-face font-lock-comment-delimiter-face)
    ("comment.block.bnn" font-lock-comment-face font-lock-comment-delimiter-face)
    ("keyword.control.bnn" font-lock-keyword-face)
    ("storage.type.bnn" font-lock-type-face)
    ("support.function.builtin.bnn" font-lock-builtin-face)
    ("entity.name.type.network.bnn" font-lock-function-name-face)
    ("entity.name.function.block.bnn" font-lock-function-name-face)
    ("entity.name.type.target.bnn" font-lock-function-name-face)
    ("entity.other.inherited-class.bnn" font-lock-type-face)
    ("entity.name.section.bnn" font-lock-type-face)
    ("support.type.property-name.bnn" font-lock-variable-name-face)
    ("variable.parameter.attribute.bnn" font-lock-variable-name-face)
    ("variable.parameter.bnn" bnn-parameter-face)
    ("variable.other.property.bnn" bnn-parameter-face)
    ("entity.name.function.call.bnn" bnn-call-face)
    ("constant.language.bnn" font-lock-constant-face)
    ("constant.numeric.integer.bnn" bnn-number-face)
    ("constant.numeric.float.bnn" bnn-number-face)
    ("keyword.other.unit.bnn" bnn-unit-face)
    ("invalid.illegal.unit.bnn" font-lock-warning-face)
    ("invalid.illegal.character.bnn" font-lock-warning-face)
    ("invalid.illegal.stray-comment-end.bnn" font-lock-warning-face)
    ("invalid.illegal.unterminated-string.bnn" font-lock-warning-face)
    ("string.quoted.double.bnn" font-lock-string-face)
    ("constant.character.escape.bnn" font-lock-string-face)
    ("invalid.illegal.escape.bnn" font-lock-warning-face))
  "TextMate scope -> faces accepted there.  Other scopes are not checked.")

(defun bnn-test--required (text)
  "Scopes in TEXT before a standalone `-' (the rest are exclusions)."
  (let ((words (split-string text)))
    (cl-subseq words 0 (or (cl-position "-" words :test #'equal) (length words)))))

(defun bnn-test--assertions ()
  "Assertions of the current buffer: list of (LINE FROM LEN SCOPES)."
  (let (result (src 0))
    (goto-char (point-min))
    (forward-line 1)
    (while (not (eobp))
      (let ((line (buffer-substring-no-properties
                   (line-beginning-position) (line-end-position)))
            (n (line-number-at-pos)))
        (cond
         ((string-match "\\`#\\(\\(?:[ \t]*\\^+\\)+\\)\\(.*\\)\\'" line)
          (let* ((limit (match-end 1))
                 (scopes (bnn-test--required (match-string 2 line)))
                 (start 0))
            (while (and (string-match "\\^+" line start)
                        (< (match-beginning 0) limit))
              (push (list src (match-beginning 0)
                          (- (match-end 0) (match-beginning 0)) scopes)
                    result)
              (setq start (match-end 0)))))
         ((string-match "\\`#[ \t]*<\\(~*\\)\\(-+\\)\\(.*\\)\\'" line)
          (push (list src (length (match-string 1 line)) (length (match-string 2 line))
                      (bnn-test--required (match-string 3 line)))
                result))
         (t (setq src n))))
      (forward-line 1))
    (nreverse result)))

(defun bnn-test--faces-at (pos)
  (let ((f (get-text-property pos 'face)))
    (if (listp f) f (list f))))

(defun bnn-test--visit (file)
  "Visit FILE in a fresh buffer, fontified; return the buffer."
  (let ((buf (find-file-noselect file t)))
    (with-current-buffer buf
      (font-lock-ensure))
    buf))

(defun bnn-test--check-file (file)
  "Return a list of failure messages for FILE, one per failed assertion."
  (let ((buf (bnn-test--visit file)) failures)
    (unwind-protect
        (with-current-buffer buf
          (unless (eq major-mode 'bnn-mode)
            (push (format "%s: major mode is %s" file major-mode) failures))
          (dolist (a (bnn-test--assertions))
            (cl-destructuring-bind (line from len scopes) a
              (let ((entry (cl-some (lambda (s) (assoc s bnn-test-faces))
                                    (reverse scopes))))
                (when entry
                  (save-excursion
                    (goto-char (point-min))
                    (forward-line (1- line))
                    (let* ((start (+ (point) from)) wrong)
                      (dotimes (k len)
                        (let ((faces (bnn-test--faces-at (+ start k))))
                          (unless (cl-intersection faces (cdr entry))
                            (cl-pushnew (get-text-property (+ start k) 'face) wrong
                                        :test #'equal))))
                      (when wrong
                        (push (format "%s:%d:%d: %S has face %s, expected %S (%s)"
                                      file line (1+ from)
                                      (buffer-substring-no-properties start (+ start len))
                                      (mapconcat (lambda (f) (format "%S" f)) (nreverse wrong) " and ")
                                      (cadr entry) (car entry))
                              failures)))))))))
      (kill-buffer buf))
    (nreverse failures)))

(defun bnn-test--list (var)
  "Files listed one a line in the environment variable VAR."
  (split-string (or (getenv var) "") "\n" t))

(defun bnn-test--fixtures ()
  (if (getenv "BNN_FIXTURES")
      (bnn-test--list "BNN_FIXTURES")
    (directory-files (expand-file-name "fixtures" bnn-test-dir) t "\\.bnn\\'")))

;; One ERT test per fixture file.
(dolist (file (bnn-test--fixtures))
  (let ((name (intern (concat "bnn-fixture/" (file-name-nondirectory file)))))
    (eval `(ert-deftest ,name ()
             ,(format "Faces in %s match its assertion comments." file)
             (should (equal (bnn-test--check-file ,file) nil)))
          t)))

;; Files that must show no warning face (the examples).
(dolist (file (bnn-test--list "BNN_CLEAN"))
  (let ((name (intern (concat "bnn-clean/" file))))
    (eval `(ert-deftest ,name ()
             ,(format "No warning face in %s." file)
             (let ((buf (bnn-test--visit ,file)) bad)
               (unwind-protect
                   (with-current-buffer buf
                     (let ((pos (point-min)))
                       (while (< pos (point-max))
                         (when (memq 'font-lock-warning-face (bnn-test--faces-at pos))
                           (push (format "%d:%d" (line-number-at-pos pos)
                                         (save-excursion (goto-char pos) (1+ (current-column))))
                                 bad))
                         (setq pos (1+ pos)))))
                 (kill-buffer buf))
               (should (equal (nreverse bad) nil))))
          t)))

;; The word lists of bnn-mode.el against the compiler's tables: the same
;; names, kind by kind.
(defconst bnn-test-lists
  '(("keyword" . bnn-keywords) ("type" . bnn-types) ("op" . bnn-operations)
    ("attr" . bnn-attributes) ("enum" . bnn-enums) ("unit" . bnn-units)
    ("property" . bnn-properties))
  "Kind in `bnnc --print-tables' -> the list of bnn-mode.el that holds it.")

(defun bnn-test--table-differences (file)
  "Differences between the word lists and the tables in FILE, as messages."
  (let ((wanted (mapcar (lambda (k) (list (car k))) bnn-test-lists))
        problems)
    (with-temp-buffer
      (insert-file-contents file)
      (dolist (line (split-string (buffer-string) "\n" t))
        (let* ((words (split-string line))
               (slot (assoc (car words) wanted)))
          (if (and slot (= (length words) 2))
              (setcdr slot (append (cdr slot) (list (cadr words))))
            (push (format "tables: %S: unknown kind or bad line (teach bnn-mode-tests.el the kind)" line)
                  problems)))))
    (dolist (k bnn-test-lists)
      (let* ((names (cdr (assoc (car k) wanted)))
             (have (symbol-value (cdr k)))
             (missing (cl-set-difference names have :test #'equal))
             (extra (cl-set-difference have names :test #'equal)))
        (unless names
          (push (format "tables: no %S lines" (car k)) problems))
        (when missing
          (push (format "%s lacks the %s name(s) %s" (cdr k) (car k) (mapconcat #'identity missing " "))
                problems))
        (when extra
          (push (format "%s has %s, which bnnc does not know as %s"
                        (cdr k) (mapconcat #'identity extra " ") (car k))
                problems))))
    (nreverse problems)))

(unless (member (getenv "BNN_TABLES") '(nil ""))
  (ert-deftest bnn-tables ()
    "The word lists are exactly the names of `bnnc --print-tables'."
    (should (equal (bnn-test--table-differences (getenv "BNN_TABLES")) nil))))

(ert-deftest bnn-auto-mode ()
  "*.bnn files open in bnn-mode."
  (should (eq (assoc-default "/x/lenet.bnn" auto-mode-alist #'string-match) 'bnn-mode))
  (should-not (eq (assoc-default "/x/lenet.bnnx" auto-mode-alist #'string-match) 'bnn-mode)))

(ert-deftest bnn-autoloads ()
  "The autoload cookies register bnn-mode and the *.bnn association."
  (let* ((dir (make-temp-file "bnn-autoloads" t))
         (out (expand-file-name "bnn-autoloads.el" dir))
         (text nil))
    (unwind-protect
        (progn
          (if (fboundp 'loaddefs-generate)
              (loaddefs-generate (file-name-directory bnn-test-mode-file) out)
            (progn
              (require 'autoload)
              (defvar generated-autoload-file)
              (let ((generated-autoload-file out))
                (update-file-autoloads bnn-test-mode-file t out))))
          (setq text (with-temp-buffer (insert-file-contents out) (buffer-string))))
      (delete-directory dir t))
    (should (string-match-p (regexp-quote "(autoload 'bnn-mode") text))
    (should (string-match-p (regexp-quote "(add-to-list 'auto-mode-alist '(\"\\\\.bnn\\\\'\" . bnn-mode))") text))))

(ert-deftest bnn-byte-compile ()
  "bnn-mode.el byte-compiles without a warning."
  (let* ((dir (make-temp-file "bnn-compile" t))
         (copy (expand-file-name "bnn-mode.el" dir))
         (byte-compile-error-on-warn t))
    (unwind-protect
        (progn
          (copy-file bnn-test-mode-file copy)
          (should (byte-compile-file copy)))
      (delete-directory dir t))))

(ert-deftest bnn-comments ()
  "Comment settings: `#' lines and /* */ blocks."
  (with-temp-buffer
    (bnn-mode)
    (syntax-ppss)       ; sets up its hook before comment-region let-binds it
    (should (equal comment-start "# "))
    (should (equal comment-end ""))
    (insert "c1 = conv2d(x, filters = 3);\n")
    (comment-region (point-min) (point-max))
    (should (equal (buffer-string) "# c1 = conv2d(x, filters = 3);\n"))
    (uncomment-region (point-min) (point-max))
    (should (equal (buffer-string) "c1 = conv2d(x, filters = 3);\n"))
    (erase-buffer)
    (insert "a /* b\n c */ d # e\nf")
    (should (nth 4 (syntax-ppss 6)))        ; inside /* */
    (should (nth 4 (syntax-ppss 10)))       ; on its second line
    (should-not (nth 4 (syntax-ppss 14)))   ; d
    (should (nth 4 (syntax-ppss 18)))       ; after #
    (should-not (nth 4 (syntax-ppss (point-max))))))

(ert-deftest bnn-strings-end-at-eol ()
  "An unterminated string does not run into the next line."
  (with-temp-buffer
    (bnn-mode)
    (insert "import \"open;\nnetwork n { }\n")
    (font-lock-ensure)
    (goto-char (point-min))
    (search-forward "network")
    (should-not (nth 3 (syntax-ppss)))
    (should (eq (get-text-property (match-beginning 0) 'face) 'font-lock-keyword-face))))

(ert-deftest bnn-indentation ()
  "Lines are indented by bracket nesting."
  (with-temp-buffer
    (bnn-mode)
    (insert "target t {\nclock = 1 GHz;\nmemory {\nl1 { size = 1 KiB; }\n}\n}\n")
    (indent-region (point-min) (point-max))
    (should (equal (buffer-string)
                   "target t {\n    clock = 1 GHz;\n    memory {\n        l1 { size = 1 KiB; }\n    }\n}\n"))))

;;; bnn-mode-tests.el ends here
