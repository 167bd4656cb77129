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
complete -c kdbman -n "__fish_kdbman_needs_command" -f -a "keydb" -d 'Create, re-key, stash, inspect and delete key databases'
complete -c kdbman -n "__fish_kdbman_needs_command" -f -a "cert" -d 'Create, add, list, inspect, rename, extract and delete certificates'
complete -c kdbman -n "__fish_kdbman_needs_command" -f -a "explain" -d 'Explain an IHS message code (SSL0218E) or GSKit return code (408)'
complete -c kdbman -n "__fish_kdbman_needs_command" -f -a "generate-docs" -d 'Write the man pages and shell completions (for packagers)'
complete -c kdbman -n "__fish_kdbman_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and not __fish_seen_subcommand_from create changepw stashpw details delete help" -s h -l help -d 'Print help'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and not __fish_seen_subcommand_from create changepw stashpw details delete help" -f -a "create" -d 'Create a new, empty key database'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and not __fish_seen_subcommand_from create changepw stashpw details delete help" -f -a "changepw" -d 'Change the store password (old stashes become stale)'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and not __fish_seen_subcommand_from create changepw stashpw details delete help" -f -a "stashpw" -d 'Write the store password to a stash file (STORE.sth), mode 0600'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and not __fish_seen_subcommand_from create changepw stashpw details delete help" -f -a "details" -d 'Show format, key derivation, entries, password expiry and stash state'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and not __fish_seen_subcommand_from create changepw stashpw details delete help" -f -a "delete" -d 'Delete the store and the stash beside it'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and not __fish_seen_subcommand_from create changepw stashpw details delete help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from create" -l db -d 'The key database file to create' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from create" -l pw-env -d 'Read the new store\'s password from environment variable VAR' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from create" -l pw-file -d 'Read the new store\'s password from the first line of PATH' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from create" -l pw -d 'The password itself (visible to other processes: avoid)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from create" -l stash-file -d 'Write the stash here instead of beside the store' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from create" -l expire -d 'The password expires after DAYS days' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from create" -l kdf -d 'Key derivation function' -r -f -a "argon2id\t'Argon2id, 64 MiB, 3 passes (default)'
pbkdf2\t'PBKDF2-HMAC-SHA256, 600,000 iterations (for FIPS-minded policies)'"
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from create" -l pw-stdin -d 'Read the new store\'s password from the first line of standard input'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from create" -l stash -d 'Also write a stash file beside the store (STORE.sth)'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from create" -l kdf-floor -d 'Use the cheapest key derivation the format accepts (tests, throwaway stores)'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from changepw" -l db -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from changepw" -l pw-env -d 'Read the store password from environment variable VAR' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from changepw" -l pw-file -d 'Read the store password from the first line of PATH' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from changepw" -l pw -d 'The store password itself (visible to other processes: avoid)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from changepw" -l new-pw-env -d 'Read the new password from environment variable VAR' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from changepw" -l new-pw-file -d 'Read the new password from the first line of PATH' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from changepw" -l new-pw -d 'The new password itself (visible to other processes: avoid)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from changepw" -l stash-file -d 'Write the stash here instead of beside the store' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from changepw" -l expire -d 'The new password expires after DAYS days (default: never)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from changepw" -l kdf -d 'Switch the key derivation function' -r -f -a "argon2id\t'Argon2id, 64 MiB, 3 passes (default)'
pbkdf2\t'PBKDF2-HMAC-SHA256, 600,000 iterations (for FIPS-minded policies)'"
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from changepw" -l pw-stdin -d 'Read the store password from the first line of standard input'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from changepw" -l stashed -d 'Use the stash file beside the store (STORE.sth)'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from changepw" -l allow-insecure-stash -d 'Accept a stash file that group or others can read'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from changepw" -l new-pw-stdin -d 'Read the new password from standard input (the line after the current password, if that comes from stdin too)'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from changepw" -l stash -d 'Re-stash the new password beside the store'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from changepw" -l kdf-floor -d 'Use the cheapest key derivation the format accepts'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from changepw" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from stashpw" -l db -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from stashpw" -l pw-env -d 'Read the store password from environment variable VAR' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from stashpw" -l pw-file -d 'Read the store password from the first line of PATH' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from stashpw" -l pw -d 'The store password itself (visible to other processes: avoid)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from stashpw" -l stash-file -d 'Write the stash here instead of beside the store' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from stashpw" -l pw-stdin -d 'Read the store password from the first line of standard input'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from stashpw" -l stashed -d 'Use the stash file beside the store (STORE.sth)'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from stashpw" -l allow-insecure-stash -d 'Accept a stash file that group or others can read'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from stashpw" -s h -l help -d 'Print help'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from details" -l db -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from details" -l pw-env -d 'Read the store password from environment variable VAR' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from details" -l pw-file -d 'Read the store password from the first line of PATH' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from details" -l stash -d 'Use this stash file' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from details" -l pw -d 'The store password itself (visible to other processes: avoid)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from details" -l pw-stdin -d 'Read the store password from the first line of standard input'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from details" -l stashed -d 'Use the stash file beside the store (STORE.sth)'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from details" -l allow-insecure-stash -d 'Accept a stash file that group or others can read'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from details" -l json -d 'Print JSON'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from details" -s h -l help -d 'Print help'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from delete" -l db -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from delete" -l pw-env -d 'Read the store password from environment variable VAR' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from delete" -l pw-file -d 'Read the store password from the first line of PATH' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from delete" -l stash -d 'Use this stash file' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from delete" -l pw -d 'The store password itself (visible to other processes: avoid)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from delete" -l pw-stdin -d 'Read the store password from the first line of standard input'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from delete" -l stashed -d 'Use the stash file beside the store (STORE.sth)'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from delete" -l allow-insecure-stash -d 'Accept a stash file that group or others can read'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from delete" -l force -d 'Delete without proving the password (for a store that no longer opens)'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create a new, empty key database'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from help" -f -a "changepw" -d 'Change the store password (old stashes become stale)'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from help" -f -a "stashpw" -d 'Write the store password to a stash file (STORE.sth), mode 0600'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from help" -f -a "details" -d 'Show format, key derivation, entries, password expiry and stash state'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete the store and the stash beside it'
complete -c kdbman -n "__fish_kdbman_using_subcommand keydb; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and not __fish_seen_subcommand_from create add list details setdefault getdefault rename delete extract help" -s h -l help -d 'Print help'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and not __fish_seen_subcommand_from create add list details setdefault getdefault rename delete extract help" -f -a "create" -d 'Create a key and a self-signed certificate as a personal entry'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and not __fish_seen_subcommand_from create add list details setdefault getdefault rename delete extract help" -f -a "add" -d 'Add signer (CA) certificates from a PEM or DER file (one or a bundle)'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and not __fish_seen_subcommand_from create add list details setdefault getdefault rename delete extract help" -f -a "list" -d 'List entries'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and not __fish_seen_subcommand_from create add list details setdefault getdefault rename delete extract help" -f -a "details" -d 'Show an entry\'s certificate, key and chain'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and not __fish_seen_subcommand_from create add list details setdefault getdefault rename delete extract help" -f -a "setdefault" -d 'Make a personal entry the default'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and not __fish_seen_subcommand_from create add list details setdefault getdefault rename delete extract help" -f -a "getdefault" -d 'Print the default personal entry\'s label'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and not __fish_seen_subcommand_from create add list details setdefault getdefault rename delete extract help" -f -a "rename" -d 'Rename an entry'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and not __fish_seen_subcommand_from create add list details setdefault getdefault rename delete extract help" -f -a "delete" -d 'Delete an entry'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and not __fish_seen_subcommand_from create add list details setdefault getdefault rename delete extract help" -f -a "extract" -d 'Write an entry\'s certificate (no key) to a file'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and not __fish_seen_subcommand_from create add list details setdefault getdefault rename delete extract help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from create" -l db -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from create" -l pw-env -d 'Read the store password from environment variable VAR' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from create" -l pw-file -d 'Read the store password from the first line of PATH' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from create" -l stash -d 'Use this stash file' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from create" -l pw -d 'The store password itself (visible to other processes: avoid)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from create" -l label -d 'Label of the new entry' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from create" -l dn -d 'Subject distinguished name, e.g. "CN=www.example.com,O=Example,C=US"' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from create" -l key -d 'Key type: rsa:2048, rsa:3072, rsa:4096, ec:p256, ec:p384, ed25519' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from create" -l san -d 'Subject alternative name, dns:NAME or ip:ADDR (repeatable)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from create" -l days -d 'Days of validity from now' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from create" -l key-usage -d 'Key usages, comma-separated (default: digitalSignature,keyEncipherment; for a CA keyCertSign,cRLSign,digitalSignature)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from create" -l eku -d 'Extended key usages, comma-separated (default: serverAuth,clientAuth; none for a CA)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from create" -l pw-stdin -d 'Read the store password from the first line of standard input'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from create" -l stashed -d 'Use the stash file beside the store (STORE.sth)'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from create" -l allow-insecure-stash -d 'Accept a stash file that group or others can read'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from create" -l ca -d 'Make it a CA certificate (basicConstraints CA, keyCertSign, cRLSign)'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from create" -l default -d 'Make the new entry the default personal certificate'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from add" -l db -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from add" -l pw-env -d 'Read the store password from environment variable VAR' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from add" -l pw-file -d 'Read the store password from the first line of PATH' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from add" -l stash -d 'Use this stash file' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from add" -l pw -d 'The store password itself (visible to other processes: avoid)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from add" -l label -d 'Label; a bundle\'s further certificates get LABEL-2, LABEL-3, …' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from add" -l file -d 'PEM or DER certificate file' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from add" -l trust -d 'Whether the signer is trusted as a root' -r -f -a "enable\t''
disable\t''"
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from add" -l pw-stdin -d 'Read the store password from the first line of standard input'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from add" -l stashed -d 'Use the stash file beside the store (STORE.sth)'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from add" -l allow-insecure-stash -d 'Accept a stash file that group or others can read'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from list" -l db -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from list" -l pw-env -d 'Read the store password from environment variable VAR' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from list" -l pw-file -d 'Read the store password from the first line of PATH' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from list" -l stash -d 'Use this stash file' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from list" -l pw -d 'The store password itself (visible to other processes: avoid)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from list" -l kind -d 'Which entries' -r -f -a "all\t''
personal\t''
signer\t''
request\t''"
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from list" -l expiring -d 'Only certificates that expire within DAYS days (exit status 1 if any)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from list" -l pw-stdin -d 'Read the store password from the first line of standard input'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from list" -l stashed -d 'Use the stash file beside the store (STORE.sth)'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from list" -l allow-insecure-stash -d 'Accept a stash file that group or others can read'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from list" -l json -d 'Print JSON'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from details" -l db -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from details" -l pw-env -d 'Read the store password from environment variable VAR' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from details" -l pw-file -d 'Read the store password from the first line of PATH' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from details" -l stash -d 'Use this stash file' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from details" -l pw -d 'The store password itself (visible to other processes: avoid)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from details" -l label -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from details" -l pw-stdin -d 'Read the store password from the first line of standard input'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from details" -l stashed -d 'Use the stash file beside the store (STORE.sth)'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from details" -l allow-insecure-stash -d 'Accept a stash file that group or others can read'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from details" -l json -d 'Print JSON'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from details" -s h -l help -d 'Print help'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from setdefault" -l db -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from setdefault" -l pw-env -d 'Read the store password from environment variable VAR' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from setdefault" -l pw-file -d 'Read the store password from the first line of PATH' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from setdefault" -l stash -d 'Use this stash file' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from setdefault" -l pw -d 'The store password itself (visible to other processes: avoid)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from setdefault" -l label -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from setdefault" -l pw-stdin -d 'Read the store password from the first line of standard input'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from setdefault" -l stashed -d 'Use the stash file beside the store (STORE.sth)'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from setdefault" -l allow-insecure-stash -d 'Accept a stash file that group or others can read'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from setdefault" -s h -l help -d 'Print help'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from getdefault" -l db -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from getdefault" -l pw-env -d 'Read the store password from environment variable VAR' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from getdefault" -l pw-file -d 'Read the store password from the first line of PATH' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from getdefault" -l stash -d 'Use this stash file' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from getdefault" -l pw -d 'The store password itself (visible to other processes: avoid)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from getdefault" -l pw-stdin -d 'Read the store password from the first line of standard input'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from getdefault" -l stashed -d 'Use the stash file beside the store (STORE.sth)'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from getdefault" -l allow-insecure-stash -d 'Accept a stash file that group or others can read'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from getdefault" -l json -d 'Print JSON'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from getdefault" -s h -l help -d 'Print help'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from rename" -l db -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from rename" -l pw-env -d 'Read the store password from environment variable VAR' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from rename" -l pw-file -d 'Read the store password from the first line of PATH' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from rename" -l stash -d 'Use this stash file' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from rename" -l pw -d 'The store password itself (visible to other processes: avoid)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from rename" -l label -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from rename" -l new-label -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from rename" -l pw-stdin -d 'Read the store password from the first line of standard input'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from rename" -l stashed -d 'Use the stash file beside the store (STORE.sth)'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from rename" -l allow-insecure-stash -d 'Accept a stash file that group or others can read'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from rename" -s h -l help -d 'Print help'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from delete" -l db -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from delete" -l pw-env -d 'Read the store password from environment variable VAR' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from delete" -l pw-file -d 'Read the store password from the first line of PATH' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from delete" -l stash -d 'Use this stash file' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from delete" -l pw -d 'The store password itself (visible to other processes: avoid)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from delete" -l label -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from delete" -l pw-stdin -d 'Read the store password from the first line of standard input'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from delete" -l stashed -d 'Use the stash file beside the store (STORE.sth)'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from delete" -l allow-insecure-stash -d 'Accept a stash file that group or others can read'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from extract" -l db -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from extract" -l pw-env -d 'Read the store password from environment variable VAR' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from extract" -l pw-file -d 'Read the store password from the first line of PATH' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from extract" -l stash -d 'Use this stash file' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from extract" -l pw -d 'The store password itself (visible to other processes: avoid)' -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from extract" -l label -r
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from extract" -l target -d 'Output file' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from extract" -l format -d 'Output encoding' -r -f -a "pem\t''
der\t''"
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from extract" -l pw-stdin -d 'Read the store password from the first line of standard input'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from extract" -l stashed -d 'Use the stash file beside the store (STORE.sth)'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from extract" -l allow-insecure-stash -d 'Accept a stash file that group or others can read'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from extract" -l chain -d 'Include the rest of the chain (PEM only)'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from extract" -l force -d 'Replace the target if it exists'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from extract" -s h -l help -d 'Print help'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create a key and a self-signed certificate as a personal entry'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from help" -f -a "add" -d 'Add signer (CA) certificates from a PEM or DER file (one or a bundle)'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from help" -f -a "list" -d 'List entries'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from help" -f -a "details" -d 'Show an entry\'s certificate, key and chain'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from help" -f -a "setdefault" -d 'Make a personal entry the default'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from help" -f -a "getdefault" -d 'Print the default personal entry\'s label'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from help" -f -a "rename" -d 'Rename an entry'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete an entry'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from help" -f -a "extract" -d 'Write an entry\'s certificate (no key) to a file'
complete -c kdbman -n "__fish_kdbman_using_subcommand cert; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kdbman -n "__fish_kdbman_using_subcommand explain" -l list -d 'List every code'
complete -c kdbman -n "__fish_kdbman_using_subcommand explain" -l json -d 'Print JSON'
complete -c kdbman -n "__fish_kdbman_using_subcommand explain" -s h -l help -d 'Print help'
complete -c kdbman -n "__fish_kdbman_using_subcommand generate-docs" -l out -d 'Directory that receives man/ and completions/' -r -F
complete -c kdbman -n "__fish_kdbman_using_subcommand generate-docs" -s h -l help -d 'Print help'
complete -c kdbman -n "__fish_kdbman_using_subcommand help; and not __fish_seen_subcommand_from keydb cert explain generate-docs help" -f -a "keydb" -d 'Create, re-key, stash, inspect and delete key databases'
complete -c kdbman -n "__fish_kdbman_using_subcommand help; and not __fish_seen_subcommand_from keydb cert explain generate-docs help" -f -a "cert" -d 'Create, add, list, inspect, rename, extract and delete certificates'
complete -c kdbman -n "__fish_kdbman_using_subcommand help; and not __fish_seen_subcommand_from keydb cert explain generate-docs help" -f -a "explain" -d 'Explain an IHS message code (SSL0218E) or GSKit return code (408)'
complete -c kdbman -n "__fish_kdbman_using_subcommand help; and not __fish_seen_subcommand_from keydb cert explain generate-docs help" -f -a "generate-docs" -d 'Write the man pages and shell completions (for packagers)'
complete -c kdbman -n "__fish_kdbman_using_subcommand help; and not __fish_seen_subcommand_from keydb cert explain generate-docs help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kdbman -n "__fish_kdbman_using_subcommand help; and __fish_seen_subcommand_from keydb" -f -a "create" -d 'Create a new, empty key database'
complete -c kdbman -n "__fish_kdbman_using_subcommand help; and __fish_seen_subcommand_from keydb" -f -a "changepw" -d 'Change the store password (old stashes become stale)'
complete -c kdbman -n "__fish_kdbman_using_subcommand help; and __fish_seen_subcommand_from keydb" -f -a "stashpw" -d 'Write the store password to a stash file (STORE.sth), mode 0600'
complete -c kdbman -n "__fish_kdbman_using_subcommand help; and __fish_seen_subcommand_from keydb" -f -a "details" -d 'Show format, key derivation, entries, password expiry and stash state'
complete -c kdbman -n "__fish_kdbman_using_subcommand help; and __fish_seen_subcommand_from keydb" -f -a "delete" -d 'Delete the store and the stash beside it'
complete -c kdbman -n "__fish_kdbman_using_subcommand help; and __fish_seen_subcommand_from cert" -f -a "create" -d 'Create a key and a self-signed certificate as a personal entry'
complete -c kdbman -n "__fish_kdbman_using_subcommand help; and __fish_seen_subcommand_from cert" -f -a "add" -d 'Add signer (CA) certificates from a PEM or DER file (one or a bundle)'
complete -c kdbman -n "__fish_kdbman_using_subcommand help; and __fish_seen_subcommand_from cert" -f -a "list" -d 'List entries'
complete -c kdbman -n "__fish_kdbman_using_subcommand help; and __fish_seen_subcommand_from cert" -f -a "details" -d 'Show an entry\'s certificate, key and chain'
complete -c kdbman -n "__fish_kdbman_using_subcommand help; and __fish_seen_subcommand_from cert" -f -a "setdefault" -d 'Make a personal entry the default'
complete -c kdbman -n "__fish_kdbman_using_subcommand help; and __fish_seen_subcommand_from cert" -f -a "getdefault" -d 'Print the default personal entry\'s label'
complete -c kdbman -n "__fish_kdbman_using_subcommand help; and __fish_seen_subcommand_from cert" -f -a "rename" -d 'Rename an entry'
complete -c kdbman -n "__fish_kdbman_using_subcommand help; and __fish_seen_subcommand_from cert" -f -a "delete" -d 'Delete an entry'
complete -c kdbman -n "__fish_kdbman_using_subcommand help; and __fish_seen_subcommand_from cert" -f -a "extract" -d 'Write an entry\'s certificate (no key) to a file'
