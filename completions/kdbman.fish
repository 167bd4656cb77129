# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_kdbman_global_optspecs
    string join \n h/help V/version
end

function __fish_kdbman_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_kdbman_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_kdbman_using_subcommand
    set -l cmd (__fish_kdbman_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c kdbman -n "__fish_kdbman_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kdbman -n "__fish_kdbman_needs_command" -s V -l version -d 'Print version'
complete -c kdbman -n "__fish_kdbman_needs_command" -f -a "keydb" -d 'Create, re-key, stash, inspect, export and delete key databases'
complete -c kdbman -n "__fish_kdbman_needs_command" -f -a "cert" -d 'Create, add, import, list, inspect, rename, extract, export, sign, validate and delete certificates'
complete -c kdbman -n "__fish_kdbman_needs_command" -f -a "certreq" -d 'Create, list, inspect, extract and delete certificate requests'
complete -c kdbman -n "__fish_kdbman_needs_command" -f -a "lint" -d 'Check stores for the conditions behind IHS SSL02xx messages (text, JSON, SARIF, JUnit, Prometheus)'
complete -c kdbman -n "__fish_kdbman_needs_command" -f -a "explain" -d 'Explain an IHS message code (SSL0218E), a GSKit return code (408) or a code kdbman prints (KDB0009W, KDBG0008W)'
complete -c kdbman -n "__fish_kdbman_needs_command" -f -a "serve" -d 'Serve HTTPS from a store\'s certificate, logging failed handshakes with their IHS codes'
complete -c kdbman -n "__fish_kdbman_needs_command" -f -a "probe" -d 'Check a live TLS server: what it sends, against its store and as a client would see it'
complete -c kdbman -n "__fish_kdbman_needs_command" -f -a "generate-docs" -d 'Write the man pages and shell completions (for packagers)'
complete -c kdbman -n "__fish_kdbman_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and not __fish_seen_subcommand_from create changepw stashpw convert details delete export help" -s h -l help -d 'Print help'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and not __fish_seen_subcommand_from create changepw stashpw convert details delete export help" -f -a "create" -d 'Create a new, empty key database'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and not __fish_seen_subcommand_from create changepw stashpw convert details delete export help" -f -a "changepw" -d 'Change the store password (old stashes become stale)'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and not __fish_seen_subcommand_from create changepw stashpw convert details delete export help" -f -a "stashpw" -d 'Write the store password to a stash file (STORE.sth), mode 0600'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and not __fish_seen_subcommand_from create changepw stashpw convert details delete export help" -f -a "convert" -d 'Convert a store to another format (cms, kdbman, pkcs12), keeping labels, kinds, default, trust and requests where the target can hold them; without --target, upgrade a CMS store\'s version in place'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and not __fish_seen_subcommand_from create changepw stashpw convert details delete export help" -f -a "details" -d 'Show format, key derivation, entries, password expiry and stash state'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and not __fish_seen_subcommand_from create changepw stashpw convert details delete export help" -f -a "delete" -d 'Delete the store and the stash beside it'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and not __fish_seen_subcommand_from create changepw stashpw convert details delete export help" -f -a "export" -d 'Convert the whole store to one PKCS#12 file: every personal entry with its key and chain, every signer'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and not __fish_seen_subcommand_from create changepw stashpw convert details delete export help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from create" -l db -d 'The key database file to create' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from create" -l pw-env -d 'Read the new store\'s password from environment variable VAR (less one trailing LF or CRLF)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from create" -l pw-file -d 'Read the new store\'s password from the first line of PATH (less its LF or CRLF ending)' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from create" -l pw -d 'The new store\'s password itself (visible to other processes: avoid)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from create" -l stash-file -d 'Write the stash here instead of beside the store' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from create" -l expire -d 'The password expires after DAYS days, 1 to 36500 (kdbman stores only); 0, as gsk8capicmd\'s -expire 0, or leaving it out: it never expires' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from create" -l type -d 'The file format: cms (default; what IHS, MQ and Db2 load), kdbman or pkcs12' -r -f -a "cms\t'IBM CMS key database (.kdb, with .rdb for requests): what IHS, MQ and Db2 load'
kdbman\t'kdbman\'s native format (Argon2id, AES-256-GCM; extension .kdbx by convention)'
pkcs12\t'A PKCS#12 file'"
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from create" -l stash-version -d 'GSKit stash version for a CMS store: 2 (default) or 1 for old GSKit levels' -r -f -a "1\t'The 129-byte stash of old GSKit levels (-v1stash)'
2\t'The 193-byte stash of GSKit 8 and later (default)'"
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from create" -l cms-version -d 'CMS container version (6; 4 only to test old-store handling)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from create" -l kdf -d 'Key derivation function (kdbman stores; default argon2id)' -r -f -a "argon2id\t'Argon2id, 64 MiB, 3 passes (default)'
pbkdf2\t'PBKDF2-HMAC-SHA256, 600,000 iterations (for FIPS-minded policies)'"
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from create" -l pw-stdin -d 'Read the new store\'s password from the first line of standard input (less its LF or CRLF ending)'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from create" -l stash -d 'Also stash the password beside the store (STORE.sth), mode 0600'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from create" -l kdf-floor -d 'Use the cheapest key derivation the format accepts (kdbman stores: tests, throwaway stores)'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from changepw" -l db -d 'The key database (store) file' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from changepw" -l pw-env -d 'Read the store password from environment variable VAR (less one trailing LF or CRLF)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from changepw" -l pw-file -d 'Read the store password from the first line of PATH (less its LF or CRLF ending)' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from changepw" -l pw -d 'The store password itself (visible to other processes: avoid)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from changepw" -l new-pw-env -d 'Read the new password from environment variable VAR (less one trailing LF or CRLF)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from changepw" -l new-pw-file -d 'Read the new password from the first line of PATH (less its LF or CRLF ending)' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from changepw" -l new-pw -d 'The new password itself (visible to other processes: avoid)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from changepw" -l stash-file -d 'Write the stash here instead of beside the store' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from changepw" -l expire -d 'The new password expires after DAYS days, 1 to 36500; 0, as gsk8capicmd\'s -expire 0, or leaving it out: it never expires' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from changepw" -l kdf -d 'Switch the key derivation function' -r -f -a "argon2id\t'Argon2id, 64 MiB, 3 passes (default)'
pbkdf2\t'PBKDF2-HMAC-SHA256, 600,000 iterations (for FIPS-minded policies)'"
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from changepw" -l pw-stdin -d 'Read the store password from the first line of standard input (less its LF or CRLF ending)'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from changepw" -l stashed -d 'Use the stash file beside the store (STORE.sth); commands that only read the store use it without being told when no other source is given'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from changepw" -l allow-insecure-stash -d 'Accept a stash file that group or others can read'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from changepw" -l new-pw-stdin -d 'Read the new password from the next line of standard input (less its LF or CRLF ending; after the current password, if that comes from stdin too)'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from changepw" -l stash -d 'Also stash the new password beside the store (STORE.sth), mode 0600'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from changepw" -l kdf-floor -d 'Use the cheapest key derivation the format accepts (tests, throwaway stores)'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from changepw" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from stashpw" -l db -d 'The key database (store) file' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from stashpw" -l pw-env -d 'Read the store password from environment variable VAR (less one trailing LF or CRLF)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from stashpw" -l pw-file -d 'Read the store password from the first line of PATH (less its LF or CRLF ending)' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from stashpw" -l pw -d 'The store password itself (visible to other processes: avoid)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from stashpw" -l stash-file -d 'Write the stash here instead of beside the store' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from stashpw" -l stash-version -d 'GSKit stash version for a CMS store: 2 (default) or 1 for old GSKit levels' -r -f -a "1\t'The 129-byte stash of old GSKit levels (-v1stash)'
2\t'The 193-byte stash of GSKit 8 and later (default)'"
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from stashpw" -l pw-stdin -d 'Read the store password from the first line of standard input (less its LF or CRLF ending)'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from stashpw" -l stashed -d 'Use the stash file beside the store (STORE.sth); commands that only read the store use it without being told when no other source is given'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from stashpw" -l allow-insecure-stash -d 'Accept a stash file that group or others can read'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from stashpw" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from convert" -l db -d 'The key database (store) file' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from convert" -l pw-env -d 'Read the store password from environment variable VAR (less one trailing LF or CRLF)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from convert" -l pw-file -d 'Read the store password from the first line of PATH (less its LF or CRLF ending)' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from convert" -l stash -d 'Use this stash file' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from convert" -l pw -d 'The store password itself (visible to other processes: avoid)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from convert" -l target -d 'The store to write (without it: upgrade the CMS store in place to --cms-version, default 6)' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from convert" -l target-type -d 'The target\'s format' -r -f -a "cms\t'IBM CMS key database (.kdb, with .rdb for requests): what IHS, MQ and Db2 load'
kdbman\t'kdbman\'s native format (Argon2id, AES-256-GCM; extension .kdbx by convention)'
pkcs12\t'A PKCS#12 file'"
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from convert" -l target-pw-env -d 'Read the output file\'s password from environment variable VAR (less one trailing LF or CRLF)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from convert" -l target-pw-file -d 'Read the output file\'s password from the first line of PATH (less its LF or CRLF ending)' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from convert" -l target-pw -d 'The output file\'s password itself (visible to other processes: avoid)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from convert" -l cms-version -d 'CMS container version of a CMS target (default: the source\'s v4, else 6; a v3 source is upgraded to 6)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from convert" -l pw-stdin -d 'Read the store password from the first line of standard input (less its LF or CRLF ending)'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from convert" -l stashed -d 'Use the stash file beside the store (STORE.sth); commands that only read the store use it without being told when no other source is given'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from convert" -l allow-insecure-stash -d 'Accept a stash file that group or others can read'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from convert" -l target-pw-stdin -d 'Read the output file\'s password from the next line of standard input (less its LF or CRLF ending; after the store password, if that comes from stdin too)'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from convert" -l target-stash -d 'Also stash the target\'s password beside it (TARGET.sth)'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from convert" -l kdf-floor -d 'Use the cheapest key derivation the format accepts (kdbman targets: tests, throwaway stores)'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from convert" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from details" -l db -d 'The key database (store) file' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from details" -l pw-env -d 'Read the store password from environment variable VAR (less one trailing LF or CRLF)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from details" -l pw-file -d 'Read the store password from the first line of PATH (less its LF or CRLF ending)' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from details" -l stash -d 'Use this stash file' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from details" -l pw -d 'The store password itself (visible to other processes: avoid)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from details" -l pw-stdin -d 'Read the store password from the first line of standard input (less its LF or CRLF ending)'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from details" -l stashed -d 'Use the stash file beside the store (STORE.sth); commands that only read the store use it without being told when no other source is given'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from details" -l allow-insecure-stash -d 'Accept a stash file that group or others can read'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from details" -l json -d 'Print JSON instead of text (the shape is in --help)'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from details" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from delete" -l db -d 'The key database (store) file' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from delete" -l pw-env -d 'Read the store password from environment variable VAR (less one trailing LF or CRLF)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from delete" -l pw-file -d 'Read the store password from the first line of PATH (less its LF or CRLF ending)' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from delete" -l stash -d 'Use this stash file' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from delete" -l pw -d 'The store password itself (visible to other processes: avoid)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from delete" -l pw-stdin -d 'Read the store password from the first line of standard input (less its LF or CRLF ending)'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from delete" -l stashed -d 'Use the stash file beside the store (STORE.sth); commands that only read the store use it without being told when no other source is given'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from delete" -l allow-insecure-stash -d 'Accept a stash file that group or others can read'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from delete" -l force -d 'Delete without proving the password (for a store that no longer opens)'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from export" -l db -d 'The key database (store) file' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from export" -l pw-env -d 'Read the store password from environment variable VAR (less one trailing LF or CRLF)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from export" -l pw-file -d 'Read the store password from the first line of PATH (less its LF or CRLF ending)' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from export" -l stash -d 'Use this stash file' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from export" -l pw -d 'The store password itself (visible to other processes: avoid)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from export" -l target -d 'The PKCS#12 file to write (mode 0600)' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from export" -l target-pw-env -d 'Read the output file\'s password from environment variable VAR (less one trailing LF or CRLF)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from export" -l target-pw-file -d 'Read the output file\'s password from the first line of PATH (less its LF or CRLF ending)' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from export" -l target-pw -d 'The output file\'s password itself (visible to other processes: avoid)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from export" -l pw-stdin -d 'Read the store password from the first line of standard input (less its LF or CRLF ending)'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from export" -l stashed -d 'Use the stash file beside the store (STORE.sth); commands that only read the store use it without being told when no other source is given'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from export" -l allow-insecure-stash -d 'Accept a stash file that group or others can read'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from export" -l target-pw-stdin -d 'Read the output file\'s password from the next line of standard input (less its LF or CRLF ending; after the store password, if that comes from stdin too)'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from export" -l legacy -d '3DES and an HMAC-SHA1 MAC, for old Java and Windows'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from export" -l force -d 'Replace the target if it exists'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from export" -s h -l help -d 'Print help'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create a new, empty key database'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from help" -f -a "changepw" -d 'Change the store password (old stashes become stale)'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from help" -f -a "stashpw" -d 'Write the store password to a stash file (STORE.sth), mode 0600'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from help" -f -a "convert" -d 'Convert a store to another format (cms, kdbman, pkcs12), keeping labels, kinds, default, trust and requests where the target can hold them; without --target, upgrade a CMS store\'s version in place'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from help" -f -a "details" -d 'Show format, key derivation, entries, password expiry and stash state'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete the store and the stash beside it'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from help" -f -a "export" -d 'Convert the whole store to one PKCS#12 file: every personal entry with its key and chain, every signer'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and not __fish_seen_subcommand_from create add list details setdefault getdefault rename delete extract import export receive renew sign validate help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and not __fish_seen_subcommand_from create add list details setdefault getdefault rename delete extract import export receive renew sign validate help" -f -a "create" -d 'Create a key and a self-signed certificate as a personal entry'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and not __fish_seen_subcommand_from create add list details setdefault getdefault rename delete extract import export receive renew sign validate help" -f -a "add" -d 'Add signer (CA) certificates from a PEM or DER file (one or a bundle)'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and not __fish_seen_subcommand_from create add list details setdefault getdefault rename delete extract import export receive renew sign validate help" -f -a "list" -d 'List entries (repeat --db to list several stores, each under its name)'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and not __fish_seen_subcommand_from create add list details setdefault getdefault rename delete extract import export receive renew sign validate help" -f -a "details" -d 'Show an entry\'s certificate, key and chain'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and not __fish_seen_subcommand_from create add list details setdefault getdefault rename delete extract import export receive renew sign validate help" -f -a "setdefault" -d 'Make a personal entry the default'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and not __fish_seen_subcommand_from create add list details setdefault getdefault rename delete extract import export receive renew sign validate help" -f -a "getdefault" -d 'Print the default personal entry\'s label'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and not __fish_seen_subcommand_from create add list details setdefault getdefault rename delete extract import export receive renew sign validate help" -f -a "rename" -d 'Rename an entry'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and not __fish_seen_subcommand_from create add list details setdefault getdefault rename delete extract import export receive renew sign validate help" -f -a "delete" -d 'Delete an entry'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and not __fish_seen_subcommand_from create add list details setdefault getdefault rename delete extract import export receive renew sign validate help" -f -a "extract" -d 'Write an entry\'s certificate (with --with-key, also its private key) to a file'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and not __fish_seen_subcommand_from create add list details setdefault getdefault rename delete extract import export receive renew sign validate help" -f -a "import" -d 'Import keys and certificates from PKCS#12 (.p12/.pfx) or PEM/DER files'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and not __fish_seen_subcommand_from create add list details setdefault getdefault rename delete extract import export receive renew sign validate help" -f -a "export" -d 'Export a personal entry (key, chain, friendly name) or a signer to PKCS#12'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and not __fish_seen_subcommand_from create add list details setdefault getdefault rename delete extract import export receive renew sign validate help" -f -a "receive" -d 'Turn a pending request into a personal entry with its signed certificate (or renew the personal entry that holds its key)'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and not __fish_seen_subcommand_from create add list details setdefault getdefault rename delete extract import export receive renew sign validate help" -f -a "renew" -d 'Write a request that renews a personal entry: same subject, names and usages (same key unless --new-key)'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and not __fish_seen_subcommand_from create add list details setdefault getdefault rename delete extract import export receive renew sign validate help" -f -a "sign" -d 'Sign a certificate request with a CA entry of the store'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and not __fish_seen_subcommand_from create add list details setdefault getdefault rename delete extract import export receive renew sign validate help" -f -a "validate" -d 'Build and check the chain of an entry, or of a certificate file, to a trusted signer'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and not __fish_seen_subcommand_from create add list details setdefault getdefault rename delete extract import export receive renew sign validate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from create" -l db -d 'The key database (store) file' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from create" -l pw-env -d 'Read the store password from environment variable VAR (less one trailing LF or CRLF)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from create" -l pw-file -d 'Read the store password from the first line of PATH (less its LF or CRLF ending)' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from create" -l stash -d 'Use this stash file' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from create" -l pw -d 'The store password itself (visible to other processes: avoid)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from create" -l label -d 'Label of the new entry' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from create" -l dn -d 'Subject distinguished name, RFC 4514 (most specific first), e.g. "CN=www.example.com,O=Example,C=US"' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from create" -l key -d 'Key type: rsa:2048, rsa:3072, rsa:4096, ec:p256, ec:p384, ed25519' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from create" -l san -d 'Subject alternative name, dns:NAME or ip:ADDR (repeatable)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from create" -l days -d 'Days of validity from now' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from create" -l key-usage -d 'Key usages, comma-separated (default: digitalSignature,keyEncipherment; for a CA keyCertSign,cRLSign,digitalSignature)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from create" -l eku -d 'Extended key usages, comma-separated (default: serverAuth,clientAuth; none for a CA)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from create" -l hash -d 'Signature hash: sha256, sha384 or sha512 (default: the key\'s own, SHA-384 for ec:p384, else SHA-256); md5, sha1 and sha224 sign with SHA-256 and say so' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from create" -l pw-stdin -d 'Read the store password from the first line of standard input (less its LF or CRLF ending)'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from create" -l stashed -d 'Use the stash file beside the store (STORE.sth); commands that only read the store use it without being told when no other source is given'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from create" -l allow-insecure-stash -d 'Accept a stash file that group or others can read'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from create" -l ca -d 'Make it a CA certificate (basicConstraints CA, keyCertSign, cRLSign)'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from create" -l default -d 'Make the new entry the default personal certificate'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from create" -l fips -d 'Use FIPS 140-approved algorithms only (refuses MD5 and SHA-1 signatures, RSA keys under 2048 bits); kdbman\'s own cryptography is not a validated module'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from add" -l db -d 'The key database (store) file' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from add" -l pw-env -d 'Read the store password from environment variable VAR (less one trailing LF or CRLF)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from add" -l pw-file -d 'Read the store password from the first line of PATH (less its LF or CRLF ending)' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from add" -l stash -d 'Use this stash file' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from add" -l pw -d 'The store password itself (visible to other processes: avoid)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from add" -l label -d 'Label; a bundle\'s further certificates get LABEL-2, LABEL-3, …' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from add" -l file -d 'PEM or DER certificate file' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from add" -l trust -d 'Whether the signer is trusted as a root' -r -f -a "enable\t''
disable\t''"
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from add" -l pw-stdin -d 'Read the store password from the first line of standard input (less its LF or CRLF ending)'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from add" -l stashed -d 'Use the stash file beside the store (STORE.sth); commands that only read the store use it without being told when no other source is given'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from add" -l allow-insecure-stash -d 'Accept a stash file that group or others can read'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from list" -l db -d 'The key database (store) file' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from list" -l pw-env -d 'Read the store password from environment variable VAR (less one trailing LF or CRLF)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from list" -l pw-file -d 'Read the store password from the first line of PATH (less its LF or CRLF ending)' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from list" -l stash -d 'Use this stash file' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from list" -l pw -d 'The store password itself (visible to other processes: avoid)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from list" -l kind -d 'Which kind of entries to list' -r -f -a "all\t''
personal\t''
signer\t''
request\t''"
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from list" -l expiring -d 'Only certificates that expire within DAYS days (exit status 1 if any)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from list" -l pw-stdin -d 'Read the store password from the first line of standard input (less its LF or CRLF ending)'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from list" -l stashed -d 'Use the stash file beside the store (STORE.sth); commands that only read the store use it without being told when no other source is given'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from list" -l allow-insecure-stash -d 'Accept a stash file that group or others can read'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from list" -l json -d 'Print JSON instead of a table (the shape is in --help)'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from details" -l db -d 'The key database (store) file' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from details" -l pw-env -d 'Read the store password from environment variable VAR (less one trailing LF or CRLF)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from details" -l pw-file -d 'Read the store password from the first line of PATH (less its LF or CRLF ending)' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from details" -l stash -d 'Use this stash file' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from details" -l pw -d 'The store password itself (visible to other processes: avoid)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from details" -l label -d 'Label of the entry (labels compare case-insensitively)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from details" -l pw-stdin -d 'Read the store password from the first line of standard input (less its LF or CRLF ending)'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from details" -l stashed -d 'Use the stash file beside the store (STORE.sth); commands that only read the store use it without being told when no other source is given'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from details" -l allow-insecure-stash -d 'Accept a stash file that group or others can read'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from details" -l json -d 'Print JSON instead of text (the shape is in --help)'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from details" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from setdefault" -l db -d 'The key database (store) file' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from setdefault" -l pw-env -d 'Read the store password from environment variable VAR (less one trailing LF or CRLF)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from setdefault" -l pw-file -d 'Read the store password from the first line of PATH (less its LF or CRLF ending)' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from setdefault" -l stash -d 'Use this stash file' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from setdefault" -l pw -d 'The store password itself (visible to other processes: avoid)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from setdefault" -l label -d 'Label of the personal entry to make the default' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from setdefault" -l pw-stdin -d 'Read the store password from the first line of standard input (less its LF or CRLF ending)'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from setdefault" -l stashed -d 'Use the stash file beside the store (STORE.sth); commands that only read the store use it without being told when no other source is given'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from setdefault" -l allow-insecure-stash -d 'Accept a stash file that group or others can read'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from setdefault" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from getdefault" -l db -d 'The key database (store) file' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from getdefault" -l pw-env -d 'Read the store password from environment variable VAR (less one trailing LF or CRLF)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from getdefault" -l pw-file -d 'Read the store password from the first line of PATH (less its LF or CRLF ending)' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from getdefault" -l stash -d 'Use this stash file' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from getdefault" -l pw -d 'The store password itself (visible to other processes: avoid)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from getdefault" -l pw-stdin -d 'Read the store password from the first line of standard input (less its LF or CRLF ending)'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from getdefault" -l stashed -d 'Use the stash file beside the store (STORE.sth); commands that only read the store use it without being told when no other source is given'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from getdefault" -l allow-insecure-stash -d 'Accept a stash file that group or others can read'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from getdefault" -l json -d 'Print JSON: {"label": "web"}, and for a CMS store "default_note", which says the mark is read on evidence from IBM-made files'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from getdefault" -s h -l help -d 'Print help'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from rename" -l db -d 'The key database (store) file' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from rename" -l pw-env -d 'Read the store password from environment variable VAR (less one trailing LF or CRLF)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from rename" -l pw-file -d 'Read the store password from the first line of PATH (less its LF or CRLF ending)' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from rename" -l stash -d 'Use this stash file' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from rename" -l pw -d 'The store password itself (visible to other processes: avoid)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from rename" -l label -d 'Current label of the entry' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from rename" -l new-label -d 'The new label (it must not be taken, case-insensitively)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from rename" -l pw-stdin -d 'Read the store password from the first line of standard input (less its LF or CRLF ending)'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from rename" -l stashed -d 'Use the stash file beside the store (STORE.sth); commands that only read the store use it without being told when no other source is given'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from rename" -l allow-insecure-stash -d 'Accept a stash file that group or others can read'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from rename" -s h -l help -d 'Print help'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from delete" -l db -d 'The key database (store) file' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from delete" -l pw-env -d 'Read the store password from environment variable VAR (less one trailing LF or CRLF)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from delete" -l pw-file -d 'Read the store password from the first line of PATH (less its LF or CRLF ending)' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from delete" -l stash -d 'Use this stash file' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from delete" -l pw -d 'The store password itself (visible to other processes: avoid)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from delete" -l label -d 'Label of the entry to delete' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from delete" -l pw-stdin -d 'Read the store password from the first line of standard input (less its LF or CRLF ending)'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from delete" -l stashed -d 'Use the stash file beside the store (STORE.sth); commands that only read the store use it without being told when no other source is given'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from delete" -l allow-insecure-stash -d 'Accept a stash file that group or others can read'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from extract" -l db -d 'The key database (store) file' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from extract" -l pw-env -d 'Read the store password from environment variable VAR (less one trailing LF or CRLF)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from extract" -l pw-file -d 'Read the store password from the first line of PATH (less its LF or CRLF ending)' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from extract" -l stash -d 'Use this stash file' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from extract" -l pw -d 'The store password itself (visible to other processes: avoid)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from extract" -l label -d 'Label of the entry whose certificate to write' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from extract" -l target -d 'The file to write (mode 0644; 0600 with --with-key)' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from extract" -l format -d 'Output encoding' -r -f -a "pem\t''
der\t''"
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from extract" -l pw-stdin -d 'Read the store password from the first line of standard input (less its LF or CRLF ending)'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from extract" -l stashed -d 'Use the stash file beside the store (STORE.sth); commands that only read the store use it without being told when no other source is given'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from extract" -l allow-insecure-stash -d 'Accept a stash file that group or others can read'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from extract" -l chain -d 'Include the rest of the chain (PEM only)'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from extract" -l with-key -d 'Also write the private key (unencrypted PKCS#8 PEM, before the certificates; the file is made mode 0600)'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from extract" -l force -d 'Replace the target if it exists'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from extract" -s h -l help -d 'Print help'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from import" -l db -d 'The key database (store) file' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from import" -l pw-env -d 'Read the store password from environment variable VAR (less one trailing LF or CRLF)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from import" -l pw-file -d 'Read the store password from the first line of PATH (less its LF or CRLF ending)' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from import" -l stash -d 'Use this stash file' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from import" -l pw -d 'The store password itself (visible to other processes: avoid)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from import" -l file -d 'PKCS#12 file, or PEM (certificates and optionally a private key) or DER certificate' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from import" -l key -d 'Private key file (PEM or DER: PKCS#8, encrypted PKCS#8, PKCS#1, SEC1) for the certificates in --file' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from import" -l file-pw-env -d 'Read the input file\'s password from environment variable VAR (less one trailing LF or CRLF)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from import" -l file-pw-file -d 'Read the input file\'s password from the first line of PATH (less its LF or CRLF ending)' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from import" -l file-pw -d 'The input file\'s password itself (visible to other processes: avoid)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from import" -l label -l new-label -d 'Label of the imported entry (when the file holds one key, or one certificate)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from import" -l pw-stdin -d 'Read the store password from the first line of standard input (less its LF or CRLF ending)'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from import" -l stashed -d 'Use the stash file beside the store (STORE.sth); commands that only read the store use it without being told when no other source is given'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from import" -l allow-insecure-stash -d 'Accept a stash file that group or others can read'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from import" -l file-pw-stdin -d 'Read the input file\'s password from the next line of standard input (less its LF or CRLF ending; after the store password, if that comes from stdin too)'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from import" -l default -d 'Make the imported personal entry the default'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from import" -l fips -d 'Use FIPS 140-approved algorithms only (refuses a PKCS#12 file encrypted with DES, 3DES or RC2); kdbman\'s own cryptography is not a validated module'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from import" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from export" -l db -d 'The key database (store) file' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from export" -l pw-env -d 'Read the store password from environment variable VAR (less one trailing LF or CRLF)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from export" -l pw-file -d 'Read the store password from the first line of PATH (less its LF or CRLF ending)' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from export" -l stash -d 'Use this stash file' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from export" -l pw -d 'The store password itself (visible to other processes: avoid)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from export" -l label -d 'Label of the personal or signer entry to export' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from export" -l target -d 'The PKCS#12 file to write (mode 0600)' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from export" -l target-pw-env -d 'Read the output file\'s password from environment variable VAR (less one trailing LF or CRLF)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from export" -l target-pw-file -d 'Read the output file\'s password from the first line of PATH (less its LF or CRLF ending)' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from export" -l target-pw -d 'The output file\'s password itself (visible to other processes: avoid)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from export" -l pw-stdin -d 'Read the store password from the first line of standard input (less its LF or CRLF ending)'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from export" -l stashed -d 'Use the stash file beside the store (STORE.sth); commands that only read the store use it without being told when no other source is given'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from export" -l allow-insecure-stash -d 'Accept a stash file that group or others can read'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from export" -l target-pw-stdin -d 'Read the output file\'s password from the next line of standard input (less its LF or CRLF ending; after the store password, if that comes from stdin too)'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from export" -l legacy -d '3DES and an HMAC-SHA1 MAC, for old Java and Windows (default: AES-256-CBC, PBKDF2, HMAC-SHA256)'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from export" -l force -d 'Replace the target if it exists'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from export" -l fips -d 'Use FIPS 140-approved algorithms only (refuses --legacy\'s 3DES); kdbman\'s own cryptography is not a validated module'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from export" -s h -l help -d 'Print help'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from receive" -l db -d 'The key database (store) file' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from receive" -l pw-env -d 'Read the store password from environment variable VAR (less one trailing LF or CRLF)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from receive" -l pw-file -d 'Read the store password from the first line of PATH (less its LF or CRLF ending)' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from receive" -l stash -d 'Use this stash file' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from receive" -l pw -d 'The store password itself (visible to other processes: avoid)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from receive" -l file -d 'The signed certificate, PEM (with its chain, if you have it) or DER' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from receive" -l pw-stdin -d 'Read the store password from the first line of standard input (less its LF or CRLF ending)'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from receive" -l stashed -d 'Use the stash file beside the store (STORE.sth); commands that only read the store use it without being told when no other source is given'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from receive" -l allow-insecure-stash -d 'Accept a stash file that group or others can read'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from receive" -l default -d 'Make the new personal entry the default'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from receive" -s h -l help -d 'Print help'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from renew" -l db -d 'The key database (store) file' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from renew" -l pw-env -d 'Read the store password from environment variable VAR (less one trailing LF or CRLF)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from renew" -l pw-file -d 'Read the store password from the first line of PATH (less its LF or CRLF ending)' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from renew" -l stash -d 'Use this stash file' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from renew" -l pw -d 'The store password itself (visible to other processes: avoid)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from renew" -l label -d 'Label of the personal entry to renew' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from renew" -l key -d 'Type of the new key: rsa:2048, rsa:3072, rsa:4096, ec:p256, ec:p384, ed25519 (default: the old key\'s type)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from renew" -l target -d 'The file to write the request to, for the CA (mode 0644)' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from renew" -l format -d 'Output encoding' -r -f -a "pem\t''
der\t''"
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from renew" -l hash -d 'Signature hash: sha256, sha384 or sha512 (default: the key\'s own, SHA-384 for ec:p384, else SHA-256); md5, sha1 and sha224 sign with SHA-256 and say so' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from renew" -l pw-stdin -d 'Read the store password from the first line of standard input (less its LF or CRLF ending)'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from renew" -l stashed -d 'Use the stash file beside the store (STORE.sth); commands that only read the store use it without being told when no other source is given'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from renew" -l allow-insecure-stash -d 'Accept a stash file that group or others can read'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from renew" -l new-key -d 'Make a new key (kept in the store as request LABEL-renewal until `cert receive`)'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from renew" -l force -d 'Replace the target if it exists'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from renew" -l fips -d 'Use FIPS 140-approved algorithms only (refuses MD5 and SHA-1 signatures, RSA keys under 2048 bits); kdbman\'s own cryptography is not a validated module'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from renew" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from sign" -l db -d 'The key database (store) file' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from sign" -l pw-env -d 'Read the store password from environment variable VAR (less one trailing LF or CRLF)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from sign" -l pw-file -d 'Read the store password from the first line of PATH (less its LF or CRLF ending)' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from sign" -l stash -d 'Use this stash file' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from sign" -l pw -d 'The store password itself (visible to other processes: avoid)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from sign" -l label -d 'Label of the CA (a personal entry with a CA certificate)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from sign" -l file -d 'The PKCS#10 request, PEM or DER' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from sign" -l target -d 'Where to write the certificate' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from sign" -l days -d 'Days of validity from now' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from sign" -l san -d 'Subject alternative names to use instead of the requested ones (repeatable)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from sign" -l format -d 'Output encoding' -r -f -a "pem\t''
der\t''"
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from sign" -l hash -d 'Signature hash: sha256, sha384 or sha512 (default: the key\'s own, SHA-384 for ec:p384, else SHA-256); md5, sha1 and sha224 sign with SHA-256 and say so' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from sign" -l pw-stdin -d 'Read the store password from the first line of standard input (less its LF or CRLF ending)'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from sign" -l stashed -d 'Use the stash file beside the store (STORE.sth); commands that only read the store use it without being told when no other source is given'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from sign" -l allow-insecure-stash -d 'Accept a stash file that group or others can read'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from sign" -l ca -d 'Issue a CA certificate'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from sign" -l chain -d 'Write the CA\'s chain after the certificate (PEM only)'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from sign" -l force -d 'Replace the target if it exists'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from sign" -l fips -d 'Use FIPS 140-approved algorithms only (refuses MD5 and SHA-1 signatures, RSA keys under 2048 bits); kdbman\'s own cryptography is not a validated module'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from sign" -s h -l help -d 'Print help'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from validate" -l db -d 'The key database (store) file' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from validate" -l pw-env -d 'Read the store password from environment variable VAR (less one trailing LF or CRLF)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from validate" -l pw-file -d 'Read the store password from the first line of PATH (less its LF or CRLF ending)' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from validate" -l stash -d 'Use this stash file' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from validate" -l pw -d 'The store password itself (visible to other processes: avoid)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from validate" -l label -d 'Label of the personal or signer entry to check' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from validate" -l file -d 'A certificate file (PEM with its chain, or DER) to check against the store\'s signers instead of an entry' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from validate" -l at -d 'Check at this time instead of now: 2030-01-31, 2030-01-31T12:00:00Z or @UNIXSECONDS (as lint --at)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from validate" -l purpose -d 'The use the certificate must allow' -r -f -a "server\t'TLS server (extended key usage serverAuth, if the certificate has one)'
client\t'TLS client (clientAuth)'
any\t'Any use: the extended key usage is not checked'"
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from validate" -l pw-stdin -d 'Read the store password from the first line of standard input (less its LF or CRLF ending)'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from validate" -l stashed -d 'Use the stash file beside the store (STORE.sth); commands that only read the store use it without being told when no other source is given'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from validate" -l allow-insecure-stash -d 'Accept a stash file that group or others can read'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from validate" -l json -d 'Print JSON instead of text (the shape is in --help)'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from validate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create a key and a self-signed certificate as a personal entry'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from help" -f -a "add" -d 'Add signer (CA) certificates from a PEM or DER file (one or a bundle)'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from help" -f -a "list" -d 'List entries (repeat --db to list several stores, each under its name)'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from help" -f -a "details" -d 'Show an entry\'s certificate, key and chain'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from help" -f -a "setdefault" -d 'Make a personal entry the default'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from help" -f -a "getdefault" -d 'Print the default personal entry\'s label'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from help" -f -a "rename" -d 'Rename an entry'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete an entry'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from help" -f -a "extract" -d 'Write an entry\'s certificate (with --with-key, also its private key) to a file'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from help" -f -a "import" -d 'Import keys and certificates from PKCS#12 (.p12/.pfx) or PEM/DER files'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from help" -f -a "export" -d 'Export a personal entry (key, chain, friendly name) or a signer to PKCS#12'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from help" -f -a "receive" -d 'Turn a pending request into a personal entry with its signed certificate (or renew the personal entry that holds its key)'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from help" -f -a "renew" -d 'Write a request that renews a personal entry: same subject, names and usages (same key unless --new-key)'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from help" -f -a "sign" -d 'Sign a certificate request with a CA entry of the store'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from help" -f -a "validate" -d 'Build and check the chain of an entry, or of a certificate file, to a trusted signer'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and not __fish_seen_subcommand_from create list details extract delete help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and not __fish_seen_subcommand_from create list details extract delete help" -f -a "create" -d 'Create a key and a PKCS#10 request, kept as a request entry'
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and not __fish_seen_subcommand_from create list details extract delete help" -f -a "list" -d 'List pending requests'
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and not __fish_seen_subcommand_from create list details extract delete help" -f -a "details" -d 'Show a request\'s subject, names and key'
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and not __fish_seen_subcommand_from create list details extract delete help" -f -a "extract" -d 'Write a request to a file for the CA'
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and not __fish_seen_subcommand_from create list details extract delete help" -f -a "delete" -d 'Delete a request and its key'
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and not __fish_seen_subcommand_from create list details extract delete help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from create" -l db -d 'The key database (store) file' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from create" -l pw-env -d 'Read the store password from environment variable VAR (less one trailing LF or CRLF)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from create" -l pw-file -d 'Read the store password from the first line of PATH (less its LF or CRLF ending)' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from create" -l stash -d 'Use this stash file' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from create" -l pw -d 'The store password itself (visible to other processes: avoid)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from create" -l label -d 'Label of the request (and of the personal entry it becomes)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from create" -l dn -d 'Subject distinguished name, RFC 4514 (most specific first), e.g. "CN=www.example.com,O=Example,C=US"' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from create" -l key -d 'Key type: rsa:2048, rsa:3072, rsa:4096, ec:p256, ec:p384, ed25519' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from create" -l san -d 'Subject alternative name, dns:NAME or ip:ADDR (repeatable)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from create" -l key-usage -d 'Key usages, comma-separated' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from create" -l eku -d 'Extended key usages, comma-separated (default: serverAuth,clientAuth)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from create" -l target -d 'Also write the request to this file (PEM) for the CA' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from create" -l hash -d 'Signature hash: sha256, sha384 or sha512 (default: the key\'s own, SHA-384 for ec:p384, else SHA-256); md5, sha1 and sha224 sign with SHA-256 and say so' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from create" -l pw-stdin -d 'Read the store password from the first line of standard input (less its LF or CRLF ending)'
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from create" -l stashed -d 'Use the stash file beside the store (STORE.sth); commands that only read the store use it without being told when no other source is given'
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from create" -l allow-insecure-stash -d 'Accept a stash file that group or others can read'
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from create" -l ca -d 'Request a CA certificate'
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from create" -l force -d 'Replace the target if it exists'
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from create" -l fips -d 'Use FIPS 140-approved algorithms only (refuses MD5 and SHA-1 signatures, RSA keys under 2048 bits); kdbman\'s own cryptography is not a validated module'
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from list" -l db -d 'The key database (store) file' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from list" -l pw-env -d 'Read the store password from environment variable VAR (less one trailing LF or CRLF)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from list" -l pw-file -d 'Read the store password from the first line of PATH (less its LF or CRLF ending)' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from list" -l stash -d 'Use this stash file' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from list" -l pw -d 'The store password itself (visible to other processes: avoid)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from list" -l pw-stdin -d 'Read the store password from the first line of standard input (less its LF or CRLF ending)'
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from list" -l stashed -d 'Use the stash file beside the store (STORE.sth); commands that only read the store use it without being told when no other source is given'
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from list" -l allow-insecure-stash -d 'Accept a stash file that group or others can read'
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from list" -l json -d 'Print JSON instead of text (the shape is in --help)'
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from details" -l db -d 'The key database (store) file' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from details" -l pw-env -d 'Read the store password from environment variable VAR (less one trailing LF or CRLF)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from details" -l pw-file -d 'Read the store password from the first line of PATH (less its LF or CRLF ending)' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from details" -l stash -d 'Use this stash file' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from details" -l pw -d 'The store password itself (visible to other processes: avoid)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from details" -l label -d 'Label of the request' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from details" -l pw-stdin -d 'Read the store password from the first line of standard input (less its LF or CRLF ending)'
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from details" -l stashed -d 'Use the stash file beside the store (STORE.sth); commands that only read the store use it without being told when no other source is given'
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from details" -l allow-insecure-stash -d 'Accept a stash file that group or others can read'
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from details" -l json -d 'Print JSON instead of text (the shape is in --help)'
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from details" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from extract" -l db -d 'The key database (store) file' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from extract" -l pw-env -d 'Read the store password from environment variable VAR (less one trailing LF or CRLF)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from extract" -l pw-file -d 'Read the store password from the first line of PATH (less its LF or CRLF ending)' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from extract" -l stash -d 'Use this stash file' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from extract" -l pw -d 'The store password itself (visible to other processes: avoid)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from extract" -l label -d 'Label of the request to write' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from extract" -l target -d 'The file to write (mode 0644)' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from extract" -l format -d 'Output encoding' -r -f -a "pem\t''
der\t''"
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from extract" -l pw-stdin -d 'Read the store password from the first line of standard input (less its LF or CRLF ending)'
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from extract" -l stashed -d 'Use the stash file beside the store (STORE.sth); commands that only read the store use it without being told when no other source is given'
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from extract" -l allow-insecure-stash -d 'Accept a stash file that group or others can read'
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from extract" -l force -d 'Replace the target if it exists'
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from extract" -s h -l help -d 'Print help'
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from delete" -l db -d 'The key database (store) file' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from delete" -l pw-env -d 'Read the store password from environment variable VAR (less one trailing LF or CRLF)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from delete" -l pw-file -d 'Read the store password from the first line of PATH (less its LF or CRLF ending)' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from delete" -l stash -d 'Use this stash file' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from delete" -l pw -d 'The store password itself (visible to other processes: avoid)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from delete" -l label -d 'Label of the request to delete' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from delete" -l pw-stdin -d 'Read the store password from the first line of standard input (less its LF or CRLF ending)'
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from delete" -l stashed -d 'Use the stash file beside the store (STORE.sth); commands that only read the store use it without being told when no other source is given'
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from delete" -l allow-insecure-stash -d 'Accept a stash file that group or others can read'
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help'
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create a key and a PKCS#10 request, kept as a request entry'
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from help" -f -a "list" -d 'List pending requests'
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from help" -f -a "details" -d 'Show a request\'s subject, names and key'
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from help" -f -a "extract" -d 'Write a request to a file for the CA'
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete a request and its key'
complete -c kdbman -n "__fish_kdbman_using_subcommand certreq; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kdbman -n "__fish_kdbman_using_subcommand lint" -l db -d 'A key database to check (repeat for several: one combined report)' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand lint" -l dir -d 'A directory searched recursively for stores of every format kdbman reads, told by content (repeatable; .rdb, .crl and .sth companions and other files are skipped; with --stashed each store uses its own NAME.sth)' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand lint" -l jobs -d 'Stores linted at once (default: the number of CPUs)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand lint" -l pw-env -d 'Read the store password from environment variable VAR (less one trailing LF or CRLF)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand lint" -l pw-file -d 'Read the store password from the first line of PATH (less its LF or CRLF ending)' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand lint" -l stash -d 'Use this stash file' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand lint" -l pw -d 'The store password itself (visible to other processes: avoid)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand lint" -l label -d 'The label the server is configured with (SSLServerCert); default: the store\'s default' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand lint" -l labels -d 'A file of `STORE LABEL` lines: each store is linted with its own label (STORE relative to the file\'s directory; wildcards match the stores --dir finds and --db names; a label a store lacks is SSL0227E at that line)' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand lint" -l httpd-conf -d 'IBM HTTP Server configuration (repeatable): lint every KeyFile with the SSLServerCert label IHS uses there, per virtual host, following Include; a label the store lacks is SSL0227E at the directive\'s file and line' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand lint" -l mq-qmgr -d 'An MQ queue manager\'s name: lint with its default certificate label, ibmwebspheremq followed by the name in lower case (unless --label is given, as CERTLABL overrides it)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand lint" -l at -d 'Evaluate time checks at this instant: 2030-01-31, 2030-01-31T12:00:00Z or @UNIXSECONDS' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand lint" -l warn-days -d 'Warn about certificates expiring within DAYS days' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand lint" -l format -d 'Output format' -r -f -a "text\t'Grouped text for people (coloured on a terminal)'
json\t'JSON (schema kdbman-lint/1; kdbman-lint-fleet/1 over many stores)'
sarif\t'SARIF 2.1.0 for CI code scanning (one run; each result on its store)'
junit\t'JUnit XML: one test suite per store, one test case per check'
prometheus\t'Prometheus text exposition (node_exporter textfile collector)'
github\t'GitHub Actions workflow commands (::error / ::warning annotations)'"
complete -c kdbman -n "__fish_kdbman_using_subcommand lint" -l fail-on -d 'Lowest severity that makes lint exit 1' -r -f -a "error\t''
warning\t''
info\t''"
complete -c kdbman -n "__fish_kdbman_using_subcommand lint" -l pw-stdin -d 'Read the store password from the first line of standard input (less its LF or CRLF ending)'
complete -c kdbman -n "__fish_kdbman_using_subcommand lint" -l stashed -d 'Use the stash file beside the store (STORE.sth); commands that only read the store use it without being told when no other source is given'
complete -c kdbman -n "__fish_kdbman_using_subcommand lint" -l allow-insecure-stash -d 'Accept a stash file that group or others can read'
complete -c kdbman -n "__fish_kdbman_using_subcommand lint" -l checks -d 'List every catalogue code and how lint treats it (checked, left to serve, not applicable)'
complete -c kdbman -n "__fish_kdbman_using_subcommand lint" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kdbman -n "__fish_kdbman_using_subcommand explain" -l list -d 'List every IHS message code with its GSKit return code'
complete -c kdbman -n "__fish_kdbman_using_subcommand explain" -l json -d 'Print JSON instead of text (the shape is in --help)'
complete -c kdbman -n "__fish_kdbman_using_subcommand explain" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kdbman -n "__fish_kdbman_using_subcommand serve" -l db -d 'The store to serve from (not needed with --demo)' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand serve" -l pw-env -d 'Read the store password from environment variable VAR (less one trailing LF or CRLF)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand serve" -l pw-file -d 'Read the store password from the first line of PATH (less its LF or CRLF ending)' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand serve" -l stash -d 'Use this stash file' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand serve" -l pw -d 'The store password itself (visible to other processes: avoid)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand serve" -l label -d 'Personal entry to serve (default: the store\'s default entry)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand serve" -l listen -d 'Address to listen on; port 0 picks a free port' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand serve" -l sni -d 'Serve entry LABEL to clients asking for HOST by SNI (repeatable)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand serve" -l client-auth -d 'Client certificates, verified against the store\'s trusted signers' -r -f -a "none\t''
optional\t''
required\t''"
complete -c kdbman -n "__fish_kdbman_using_subcommand serve" -l min-tls -d 'Lowest TLS version accepted' -r -f -a "1.2\t''
1.3\t''"
complete -c kdbman -n "__fish_kdbman_using_subcommand serve" -l ciphers -d 'Cipher suites to enable, comma-separated rustls names (e.g. TLS13_AES_128_GCM_SHA256)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand serve" -l handshake-timeout -d 'Seconds from connect to a finished handshake' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand serve" -l idle-timeout -d 'Seconds a kept-alive connection may wait for its next request (and a request has to arrive in full)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand serve" -l max-connections -d 'Connections served at once; at the bound the oldest connection that has sent no request (after 0.3 s), else the longest idle kept-alive one, makes room; others queue' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand serve" -l threads -d 'Threads serving connections, each an event loop; 0 means one per core' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand serve" -l log-format -d 'Log line format' -r -f -a "text\t''
json\t''"
complete -c kdbman -n "__fish_kdbman_using_subcommand serve" -l pw-stdin -d 'Read the store password from the first line of standard input (less its LF or CRLF ending)'
complete -c kdbman -n "__fish_kdbman_using_subcommand serve" -l stashed -d 'Use the stash file beside the store (STORE.sth); commands that only read the store use it without being told when no other source is given'
complete -c kdbman -n "__fish_kdbman_using_subcommand serve" -l allow-insecure-stash -d 'Accept a stash file that group or others can read'
complete -c kdbman -n "__fish_kdbman_using_subcommand serve" -l access-log -d 'Also log each answered request'
complete -c kdbman -n "__fish_kdbman_using_subcommand serve" -l once -d 'Answer one request, then exit'
complete -c kdbman -n "__fish_kdbman_using_subcommand serve" -l demo -d 'No store: a throwaway CA and localhost certificate made in memory'
complete -c kdbman -n "__fish_kdbman_using_subcommand serve" -s h -l help -d 'Print help'
complete -c kdbman -n "__fish_kdbman_using_subcommand probe" -l targets -d 'Probe every target of FILE: one `HOST[:PORT] [LABEL]` per line' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand probe" -l jobs -d 'Targets probed at once with --targets' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand probe" -l servername -d 'The SNI name to send and the name to check (default: HOST)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand probe" -l connect-timeout -d 'Seconds to wait for the TCP connection' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand probe" -l handshake-timeout -d 'Seconds a handshake may take (TLS 1.3 and 1.2 are tried at the same time)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand probe" -l db -d 'The server\'s own store: compare the served certificate and chain with it' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand probe" -l pw-env -d 'Read the store password from environment variable VAR (less one trailing LF or CRLF)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand probe" -l pw-file -d 'Read the store password from the first line of PATH (less its LF or CRLF ending)' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand probe" -l stash -d 'Use this stash file' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand probe" -l pw -d 'The store password itself (visible to other processes: avoid)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand probe" -l label -d 'The label the server is configured with (default: the store\'s default)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand probe" -l sni -d 'The label served to clients asking for HOST by SNI, as kdbman serve --sni takes it (repeatable)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand probe" -l trust-db -d 'A client\'s store (e.g. an MQ client\'s key database): would a client with only its signers accept the server?' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand probe" -l trust-pw-env -d 'Read the --trust-db store\'s password from environment variable VAR' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand probe" -l trust-pw-file -d 'Read the --trust-db store\'s password from the first line of PATH' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand probe" -l trust-stash -d 'Use this stash file for the --trust-db store' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand probe" -l trust-pw -d 'The --trust-db store\'s password itself (visible to other processes: avoid)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand probe" -l client-label -d 'Present this personal certificate (from --db, else --trust-db) and report whether the server accepts it' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand probe" -l at -d 'Evaluate time checks at this instant: 2030-01-31, 2030-01-31T12:00:00Z or @UNIXSECONDS' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand probe" -l warn-days -d 'Warn about a served certificate expiring within DAYS days' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand probe" -l format -d 'Output format' -r -f -a "text\t'Text for people (coloured on a terminal)'
json\t'JSON (schema kdbman-probe/1; kdbman-probe-fleet/1 with --targets)'
sarif\t'SARIF 2.1.0 (one run; each result located at its target)'
junit\t'JUnit XML: one test suite per target, one test case per check'
prometheus\t'Prometheus text exposition (x509-certificate-exporter names and labels)'"
complete -c kdbman -n "__fish_kdbman_using_subcommand probe" -l fail-on -d 'Lowest severity that makes probe exit 1' -r -f -a "error\t''
warning\t''
info\t''"
complete -c kdbman -n "__fish_kdbman_using_subcommand probe" -l no-sni -d 'Send no SNI (for servers configured without it)'
complete -c kdbman -n "__fish_kdbman_using_subcommand probe" -l pw-stdin -d 'Read the store password from the first line of standard input (less its LF or CRLF ending)'
complete -c kdbman -n "__fish_kdbman_using_subcommand probe" -l stashed -d 'Use the stash file beside the store (STORE.sth); commands that only read the store use it without being told when no other source is given'
complete -c kdbman -n "__fish_kdbman_using_subcommand probe" -l allow-insecure-stash -d 'Accept a stash file that group or others can read'
complete -c kdbman -n "__fish_kdbman_using_subcommand probe" -l trust-stashed -d 'Use the stash file beside the --trust-db store (STORE.sth)'
complete -c kdbman -n "__fish_kdbman_using_subcommand probe" -l trust-system -d 'Judge the server as a client trusting the system\'s CA bundle would'
complete -c kdbman -n "__fish_kdbman_using_subcommand probe" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kdbman -n "__fish_kdbman_using_subcommand generate-docs" -l out -d 'Directory that receives man/ and completions/' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand generate-docs" -s h -l help -d 'Print help'
complete -c kdbman -n "__fish_kdbman_using_subcommand help; and not __fish_seen_subcommand_from keydb cert certreq lint explain serve probe generate-docs help" -f -a "keydb" -d 'Create, re-key, stash, inspect, export and delete key databases'
complete -c kdbman -n "__fish_kdbman_using_subcommand help; and not __fish_seen_subcommand_from keydb cert certreq lint explain serve probe generate-docs help" -f -a "cert" -d 'Create, add, import, list, inspect, rename, extract, export, sign, validate and delete certificates'
complete -c kdbman -n "__fish_kdbman_using_subcommand help; and not __fish_seen_subcommand_from keydb cert certreq lint explain serve probe generate-docs help" -f -a "certreq" -d 'Create, list, inspect, extract and delete certificate requests'
complete -c kdbman -n "__fish_kdbman_using_subcommand help; and not __fish_seen_subcommand_from keydb cert certreq lint explain serve probe generate-docs help" -f -a "lint" -d 'Check stores for the conditions behind IHS SSL02xx messages (text, JSON, SARIF, JUnit, Prometheus)'
complete -c kdbman -n "__fish_kdbman_using_subcommand help; and not __fish_seen_subcommand_from keydb cert certreq lint explain serve probe generate-docs help" -f -a "explain" -d 'Explain an IHS message code (SSL0218E), a GSKit return code (408) or a code kdbman prints (KDB0009W, KDBG0008W)'
complete -c kdbman -n "__fish_kdbman_using_subcommand help; and not __fish_seen_subcommand_from keydb cert certreq lint explain serve probe generate-docs help" -f -a "serve" -d 'Serve HTTPS from a store\'s certificate, logging failed handshakes with their IHS codes'
complete -c kdbman -n "__fish_kdbman_using_subcommand help; and not __fish_seen_subcommand_from keydb cert certreq lint explain serve probe generate-docs help" -f -a "probe" -d 'Check a live TLS server: what it sends, against its store and as a client would see it'
complete -c kdbman -n "__fish_kdbman_using_subcommand help; and not __fish_seen_subcommand_from keydb cert certreq lint explain serve probe generate-docs help" -f -a "generate-docs" -d 'Write the man pages and shell completions (for packagers)'
complete -c kdbman -n "__fish_kdbman_using_subcommand help; and not __fish_seen_subcommand_from keydb cert certreq lint explain serve probe generate-docs help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kdbman -n "__fish_kdbman_using_subcommand help; and __fish_seen_subcommand_from keydb" -f -a "create" -d 'Create a new, empty key database'
complete -c kdbman -n "__fish_kdbman_using_subcommand help; and __fish_seen_subcommand_from keydb" -f -a "changepw" -d 'Change the store password (old stashes become stale)'
complete -c kdbman -n "__fish_kdbman_using_subcommand help; and __fish_seen_subcommand_from keydb" -f -a "stashpw" -d 'Write the store password to a stash file (STORE.sth), mode 0600'
complete -c kdbman -n "__fish_kdbman_using_subcommand help; and __fish_seen_subcommand_from keydb" -f -a "convert" -d 'Convert a store to another format (cms, kdbman, pkcs12), keeping labels, kinds, default, trust and requests where the target can hold them; without --target, upgrade a CMS store\'s version in place'
complete -c kdbman -n "__fish_kdbman_using_subcommand help; and __fish_seen_subcommand_from keydb" -f -a "details" -d 'Show format, key derivation, entries, password expiry and stash state'
complete -c kdbman -n "__fish_kdbman_using_subcommand help; and __fish_seen_subcommand_from keydb" -f -a "delete" -d 'Delete the store and the stash beside it'
complete -c kdbman -n "__fish_kdbman_using_subcommand help; and __fish_seen_subcommand_from keydb" -f -a "export" -d 'Convert the whole store to one PKCS#12 file: every personal entry with its key and chain, every signer'
complete -c kdbman -n "__fish_kdbman_using_subcommand help; and __fish_seen_subcommand_from cert" -f -a "create" -d 'Create a key and a self-signed certificate as a personal entry'
complete -c kdbman -n "__fish_kdbman_using_subcommand help; and __fish_seen_subcommand_from cert" -f -a "add" -d 'Add signer (CA) certificates from a PEM or DER file (one or a bundle)'
complete -c kdbman -n "__fish_kdbman_using_subcommand help; and __fish_seen_subcommand_from cert" -f -a "list" -d 'List entries (repeat --db to list several stores, each under its name)'
complete -c kdbman -n "__fish_kdbman_using_subcommand help; and __fish_seen_subcommand_from cert" -f -a "details" -d 'Show an entry\'s certificate, key and chain'
complete -c kdbman -n "__fish_kdbman_using_subcommand help; and __fish_seen_subcommand_from cert" -f -a "setdefault" -d 'Make a personal entry the default'
complete -c kdbman -n "__fish_kdbman_using_subcommand help; and __fish_seen_subcommand_from cert" -f -a "getdefault" -d 'Print the default personal entry\'s label'
complete -c kdbman -n "__fish_kdbman_using_subcommand help; and __fish_seen_subcommand_from cert" -f -a "rename" -d 'Rename an entry'
complete -c kdbman -n "__fish_kdbman_using_subcommand help; and __fish_seen_subcommand_from cert" -f -a "delete" -d 'Delete an entry'
complete -c kdbman -n "__fish_kdbman_using_subcommand help; and __fish_seen_subcommand_from cert" -f -a "extract" -d 'Write an entry\'s certificate (with --with-key, also its private key) to a file'
complete -c kdbman -n "__fish_kdbman_using_subcommand help; and __fish_seen_subcommand_from cert" -f -a "import" -d 'Import keys and certificates from PKCS#12 (.p12/.pfx) or PEM/DER files'
complete -c kdbman -n "__fish_kdbman_using_subcommand help; and __fish_seen_subcommand_from cert" -f -a "export" -d 'Export a personal entry (key, chain, friendly name) or a signer to PKCS#12'
complete -c kdbman -n "__fish_kdbman_using_subcommand help; and __fish_seen_subcommand_from cert" -f -a "receive" -d 'Turn a pending request into a personal entry with its signed certificate (or renew the personal entry that holds its key)'
complete -c kdbman -n "__fish_kdbman_using_subcommand help; and __fish_seen_subcommand_from cert" -f -a "renew" -d 'Write a request that renews a personal entry: same subject, names and usages (same key unless --new-key)'
complete -c kdbman -n "__fish_kdbman_using_subcommand help; and __fish_seen_subcommand_from cert" -f -a "sign" -d 'Sign a certificate request with a CA entry of the store'
complete -c kdbman -n "__fish_kdbman_using_subcommand help; and __fish_seen_subcommand_from cert" -f -a "validate" -d 'Build and check the chain of an entry, or of a certificate file, to a trusted signer'
complete -c kdbman -n "__fish_kdbman_using_subcommand help; and __fish_seen_subcommand_from certreq" -f -a "create" -d 'Create a key and a PKCS#10 request, kept as a request entry'
complete -c kdbman -n "__fish_kdbman_using_subcommand help; and __fish_seen_subcommand_from certreq" -f -a "list" -d 'List pending requests'
complete -c kdbman -n "__fish_kdbman_using_subcommand help; and __fish_seen_subcommand_from certreq" -f -a "details" -d 'Show a request\'s subject, names and key'
complete -c kdbman -n "__fish_kdbman_using_subcommand help; and __fish_seen_subcommand_from certreq" -f -a "extract" -d 'Write a request to a file for the CA'
complete -c kdbman -n "__fish_kdbman_using_subcommand help; and __fish_seen_subcommand_from certreq" -f -a "delete" -d 'Delete a request and its key'
