;;; apacheconf-eglot.el --- apacheconf's language server in Emacs (eglot)  -*- lexical-binding: t; -*-

;; Load this after eglot (built into Emacs 29). It uses apache-mode (MELPA)
;; when installed, else defines a small mode for the files.
;; Setup: docs/editors.md.

;;; Code:

(require 'eglot)

(unless (fboundp 'apache-mode)
  (define-derived-mode apache-mode prog-mode "Apache"
    "Major mode for Apache httpd configuration files (minimal)."
    (setq-local comment-start "# ")
    (setq-local comment-start-skip "#+\\s-*")
    (modify-syntax-entry ?# "<" apache-mode-syntax-table)
    (modify-syntax-entry ?\n ">" apache-mode-syntax-table)))

(dolist (re '("/\\.htaccess\\'" "/apache2\\.conf\\'" "/httpd\\.conf\\'"
              "/sites-\\(available\\|enabled\\)/" "/conf-\\(available\\|enabled\\)/.*\\.conf\\'"
              "/mods-available/.*\\.conf\\'"))
  (add-to-list 'auto-mode-alist (cons re 'apache-mode)))

;; initializationOptions go after :initializationOptions, e.g.
;;   ("apacheconf" "lsp" :initializationOptions (:defines ["SSL"]))
(add-to-list 'eglot-server-programs '(apache-mode . ("apacheconf" "lsp")))

(add-hook 'apache-mode-hook #'eglot-ensure)

(provide 'apacheconf-eglot)
;;; apacheconf-eglot.el ends here
