#ifndef CSSH2_SHIM_H
#define CSSH2_SHIM_H

#include <libssh2.h>
#include <libssh2_sftp.h>
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

// libssh2 spells most calls as macros over the `_ex` functions; Swift imports
// none of those macros, so the ones PassportDelivery uses are restated here.

static inline LIBSSH2_SESSION *cssh2_session_init(void) {
    return libssh2_session_init_ex(NULL, NULL, NULL, NULL);
}

static inline int cssh2_session_disconnect(LIBSSH2_SESSION *session, const char *description) {
    return libssh2_session_disconnect_ex(session, SSH_DISCONNECT_BY_APPLICATION, description, "");
}

static inline int cssh2_userauth_password(LIBSSH2_SESSION *session, const char *user, const char *password) {
    return libssh2_userauth_password_ex(session, user, (unsigned int)strlen(user),
                                        password, (unsigned int)strlen(password), NULL);
}

// Keyboard-interactive: every prompt is answered with the password, which is
// reached through the session's abstract pointer only for the length of the call.
static void cssh2_answer_with_password(const char *name, int name_len,
                                       const char *instruction, int instruction_len,
                                       int num_prompts,
                                       const LIBSSH2_USERAUTH_KBDINT_PROMPT *prompts,
                                       LIBSSH2_USERAUTH_KBDINT_RESPONSE *responses,
                                       void **abstract) {
    (void)name; (void)name_len; (void)instruction; (void)instruction_len; (void)prompts;
    const char *password = abstract ? (const char *)*abstract : NULL;
    for (int i = 0; i < num_prompts; i++) {
        // libssh2 frees each answer with its allocator, which is malloc/free here.
        responses[i].text = password ? strdup(password) : NULL;
        responses[i].length = responses[i].text ? (unsigned int)strlen(responses[i].text) : 0;
    }
}

static inline int cssh2_userauth_keyboard_interactive(LIBSSH2_SESSION *session, const char *user,
                                                      const char *password) {
    void **abstract = libssh2_session_abstract(session);
    void *previous = *abstract;
    *abstract = (void *)password;
    int rc = libssh2_userauth_keyboard_interactive_ex(session, user, (unsigned int)strlen(user),
                                                      cssh2_answer_with_password);
    *abstract = previous;
    return rc;
}

static inline LIBSSH2_SFTP_HANDLE *cssh2_sftp_open_file(LIBSSH2_SFTP *sftp, const char *path,
                                                        unsigned long flags, long mode) {
    return libssh2_sftp_open_ex(sftp, path, (unsigned int)strlen(path), flags, mode,
                                LIBSSH2_SFTP_OPENFILE);
}

static inline LIBSSH2_SFTP_HANDLE *cssh2_sftp_open_directory(LIBSSH2_SFTP *sftp, const char *path) {
    return libssh2_sftp_open_ex(sftp, path, (unsigned int)strlen(path), 0, 0, LIBSSH2_SFTP_OPENDIR);
}

static inline int cssh2_sftp_mkdir(LIBSSH2_SFTP *sftp, const char *path, long mode) {
    return libssh2_sftp_mkdir_ex(sftp, path, (unsigned int)strlen(path), mode);
}

static inline int cssh2_sftp_rmdir(LIBSSH2_SFTP *sftp, const char *path) {
    return libssh2_sftp_rmdir_ex(sftp, path, (unsigned int)strlen(path));
}

static inline int cssh2_sftp_unlink(LIBSSH2_SFTP *sftp, const char *path) {
    return libssh2_sftp_unlink_ex(sftp, path, (unsigned int)strlen(path));
}

static inline int cssh2_sftp_rename(LIBSSH2_SFTP *sftp, const char *from, const char *to) {
    return libssh2_sftp_rename_ex(sftp, from, (unsigned int)strlen(from), to, (unsigned int)strlen(to),
                                  LIBSSH2_SFTP_RENAME_OVERWRITE | LIBSSH2_SFTP_RENAME_ATOMIC |
                                  LIBSSH2_SFTP_RENAME_NATIVE);
}

static inline int cssh2_sftp_stat(LIBSSH2_SFTP *sftp, const char *path, LIBSSH2_SFTP_ATTRIBUTES *attrs) {
    return libssh2_sftp_stat_ex(sftp, path, (unsigned int)strlen(path), LIBSSH2_SFTP_STAT, attrs);
}

static inline int cssh2_sftp_fsetstat(LIBSSH2_SFTP_HANDLE *handle, LIBSSH2_SFTP_ATTRIBUTES *attrs) {
    return libssh2_sftp_fstat_ex(handle, attrs, 1);
}

static inline int cssh2_sftp_readdir(LIBSSH2_SFTP_HANDLE *handle, char *buffer, size_t length,
                                     LIBSSH2_SFTP_ATTRIBUTES *attrs) {
    return libssh2_sftp_readdir_ex(handle, buffer, length, NULL, 0, attrs);
}

// posix-rename@openssh.com arrived in libssh2 1.11 (Debian 12 ships 1.10), so it
// is looked up at run time; the type lets Swift call what the lookup finds.
typedef int (*cssh2_posix_rename_function)(LIBSSH2_SFTP *sftp,
                                           const char *from, size_t from_len,
                                           const char *to, size_t to_len);

static inline cssh2_posix_rename_function cssh2_find_posix_rename(void) {
    // The handle of the program itself searches every library loaded with it.
    void *program = dlopen(NULL, RTLD_LAZY);
    if (program == NULL) return NULL;
    cssh2_posix_rename_function found =
        (cssh2_posix_rename_function)dlsym(program, "libssh2_sftp_posix_rename_ex");
    dlclose(program);
    return found;
}

#endif
