#include <histedit.h>
#include <stdio.h>
#include <wchar.h>

// el_set, el_get and history are variadic, which Swift cannot call: one wrapper per use.

// glibc declares wcwidth only under _XOPEN_SOURCE; libedit measures the line with it too.
extern int wcwidth(wchar_t);

static inline FILE *passport_stdin(void) { return stdin; }
static inline FILE *passport_stdout(void) { return stdout; }
static inline FILE *passport_stderr(void) { return stderr; }

typedef char *(*passport_prompt_fn)(EditLine *);
typedef unsigned char (*passport_key_fn)(EditLine *, int);

static inline int passport_el_set_prompt(EditLine *el, passport_prompt_fn fn) { return el_set(el, EL_PROMPT, fn); }
static inline int passport_el_set_editor(EditLine *el, const char *mode) { return el_set(el, EL_EDITOR, mode); }
static inline int passport_el_set_signal(EditLine *el, int on) { return el_set(el, EL_SIGNAL, on); }
static inline int passport_el_set_history(EditLine *el, History *h) { return el_set(el, EL_HIST, history, h); }
static inline int passport_el_set_clientdata(EditLine *el, void *data) { return el_set(el, EL_CLIENTDATA, data); }
static inline void *passport_el_get_clientdata(EditLine *el) {
    void *data = NULL;
    el_get(el, EL_CLIENTDATA, &data);
    return data;
}
static inline int passport_el_addfn(EditLine *el, const char *name, const char *help, passport_key_fn fn) {
    return el_set(el, EL_ADDFN, name, help, fn);
}
static inline int passport_el_bind(EditLine *el, const char *key, const char *fn) { return el_set(el, EL_BIND, key, fn, NULL); }
// Edit mode only: Ctrl-C reaches the key map as a character instead of raising SIGINT (ISIG stays on, so ^Z and ^\ still work).
// "intr=" disables the character now; "-intr" also clears it in libedit's edit-mode mask, in case libedit re-copies the tty's characters.
static inline int passport_el_disable_intr(EditLine *el) { return el_set(el, EL_SETTY, "-d", "-intr", "intr=", NULL); }
static inline int passport_el_terminal_rows(EditLine *el) {
    int rows = 0;
    el_get(el, EL_GETTC, "li", &rows, NULL);
    return rows;
}
static inline int passport_el_terminal_columns(EditLine *el) {
    int columns = 0;
    el_get(el, EL_GETTC, "co", &columns, NULL);
    return columns;
}

static inline int passport_history_set_size(History *h, int size) { HistEvent ev; return history(h, &ev, H_SETSIZE, size); }
static inline int passport_history_set_unique(History *h, int on) { HistEvent ev; return history(h, &ev, H_SETUNIQUE, on); }
static inline int passport_history_enter(History *h, const char *entry) { HistEvent ev; return history(h, &ev, H_ENTER, entry); }
