_kdbman() {
    local i cur prev opts cmd
    COMPREPLY=()
    if [[ "${BASH_VERSINFO[0]}" -ge 4 ]]; then
        cur="$2"
    else
        cur="${COMP_WORDS[COMP_CWORD]}"
    fi
    prev="$3"
    cmd=""
    opts=""

    for i in "${COMP_WORDS[@]:0:COMP_CWORD}"
    do
        case "${cmd},${i}" in
            ",$1")
                cmd="kdbman"
                ;;
            kdbman,cert)
                cmd="kdbman__subcmd__cert"
                ;;
            kdbman,certreq)
                cmd="kdbman__subcmd__certreq"
                ;;
            kdbman,explain)
                cmd="kdbman__subcmd__explain"
                ;;
            kdbman,generate-docs)
                cmd="kdbman__subcmd__generate__subcmd__docs"
                ;;
            kdbman,help)
                cmd="kdbman__subcmd__help"
                ;;
            kdbman,keydb)
                cmd="kdbman__subcmd__keydb"
                ;;
            kdbman,lint)
                cmd="kdbman__subcmd__lint"
                ;;
            kdbman,probe)
                cmd="kdbman__subcmd__probe"
                ;;
            kdbman,serve)
                cmd="kdbman__subcmd__serve"
                ;;
            kdbman__subcmd__cert,add)
                cmd="kdbman__subcmd__cert__subcmd__add"
                ;;
            kdbman__subcmd__cert,create)
                cmd="kdbman__subcmd__cert__subcmd__create"
                ;;
            kdbman__subcmd__cert,delete)
                cmd="kdbman__subcmd__cert__subcmd__delete"
                ;;
            kdbman__subcmd__cert,details)
                cmd="kdbman__subcmd__cert__subcmd__details"
                ;;
            kdbman__subcmd__cert,export)
                cmd="kdbman__subcmd__cert__subcmd__export"
                ;;
            kdbman__subcmd__cert,extract)
                cmd="kdbman__subcmd__cert__subcmd__extract"
                ;;
            kdbman__subcmd__cert,getdefault)
                cmd="kdbman__subcmd__cert__subcmd__getdefault"
                ;;
            kdbman__subcmd__cert,help)
                cmd="kdbman__subcmd__cert__subcmd__help"
                ;;
            kdbman__subcmd__cert,import)
                cmd="kdbman__subcmd__cert__subcmd__import"
                ;;
            kdbman__subcmd__cert,list)
                cmd="kdbman__subcmd__cert__subcmd__list"
                ;;
            kdbman__subcmd__cert,receive)
                cmd="kdbman__subcmd__cert__subcmd__receive"
                ;;
            kdbman__subcmd__cert,rename)
                cmd="kdbman__subcmd__cert__subcmd__rename"
                ;;
            kdbman__subcmd__cert,renew)
                cmd="kdbman__subcmd__cert__subcmd__renew"
                ;;
            kdbman__subcmd__cert,setdefault)
                cmd="kdbman__subcmd__cert__subcmd__setdefault"
                ;;
            kdbman__subcmd__cert,sign)
                cmd="kdbman__subcmd__cert__subcmd__sign"
                ;;
            kdbman__subcmd__cert,validate)
                cmd="kdbman__subcmd__cert__subcmd__validate"
                ;;
            kdbman__subcmd__cert__subcmd__help,add)
                cmd="kdbman__subcmd__cert__subcmd__help__subcmd__add"
                ;;
            kdbman__subcmd__cert__subcmd__help,create)
                cmd="kdbman__subcmd__cert__subcmd__help__subcmd__create"
                ;;
            kdbman__subcmd__cert__subcmd__help,delete)
                cmd="kdbman__subcmd__cert__subcmd__help__subcmd__delete"
                ;;
            kdbman__subcmd__cert__subcmd__help,details)
                cmd="kdbman__subcmd__cert__subcmd__help__subcmd__details"
                ;;
            kdbman__subcmd__cert__subcmd__help,export)
                cmd="kdbman__subcmd__cert__subcmd__help__subcmd__export"
                ;;
            kdbman__subcmd__cert__subcmd__help,extract)
                cmd="kdbman__subcmd__cert__subcmd__help__subcmd__extract"
                ;;
            kdbman__subcmd__cert__subcmd__help,getdefault)
                cmd="kdbman__subcmd__cert__subcmd__help__subcmd__getdefault"
                ;;
            kdbman__subcmd__cert__subcmd__help,help)
                cmd="kdbman__subcmd__cert__subcmd__help__subcmd__help"
                ;;
            kdbman__subcmd__cert__subcmd__help,import)
                cmd="kdbman__subcmd__cert__subcmd__help__subcmd__import"
                ;;
            kdbman__subcmd__cert__subcmd__help,list)
                cmd="kdbman__subcmd__cert__subcmd__help__subcmd__list"
                ;;
            kdbman__subcmd__cert__subcmd__help,receive)
                cmd="kdbman__subcmd__cert__subcmd__help__subcmd__receive"
                ;;
            kdbman__subcmd__cert__subcmd__help,rename)
                cmd="kdbman__subcmd__cert__subcmd__help__subcmd__rename"
                ;;
            kdbman__subcmd__cert__subcmd__help,renew)
                cmd="kdbman__subcmd__cert__subcmd__help__subcmd__renew"
                ;;
            kdbman__subcmd__cert__subcmd__help,setdefault)
                cmd="kdbman__subcmd__cert__subcmd__help__subcmd__setdefault"
                ;;
            kdbman__subcmd__cert__subcmd__help,sign)
                cmd="kdbman__subcmd__cert__subcmd__help__subcmd__sign"
                ;;
            kdbman__subcmd__cert__subcmd__help,validate)
                cmd="kdbman__subcmd__cert__subcmd__help__subcmd__validate"
                ;;
            kdbman__subcmd__certreq,create)
                cmd="kdbman__subcmd__certreq__subcmd__create"
                ;;
            kdbman__subcmd__certreq,delete)
                cmd="kdbman__subcmd__certreq__subcmd__delete"
                ;;
            kdbman__subcmd__certreq,details)
                cmd="kdbman__subcmd__certreq__subcmd__details"
                ;;
            kdbman__subcmd__certreq,extract)
                cmd="kdbman__subcmd__certreq__subcmd__extract"
                ;;
            kdbman__subcmd__certreq,help)
                cmd="kdbman__subcmd__certreq__subcmd__help"
                ;;
            kdbman__subcmd__certreq,list)
                cmd="kdbman__subcmd__certreq__subcmd__list"
                ;;
            kdbman__subcmd__certreq__subcmd__help,create)
                cmd="kdbman__subcmd__certreq__subcmd__help__subcmd__create"
                ;;
            kdbman__subcmd__certreq__subcmd__help,delete)
                cmd="kdbman__subcmd__certreq__subcmd__help__subcmd__delete"
                ;;
            kdbman__subcmd__certreq__subcmd__help,details)
                cmd="kdbman__subcmd__certreq__subcmd__help__subcmd__details"
                ;;
            kdbman__subcmd__certreq__subcmd__help,extract)
                cmd="kdbman__subcmd__certreq__subcmd__help__subcmd__extract"
                ;;
            kdbman__subcmd__certreq__subcmd__help,help)
                cmd="kdbman__subcmd__certreq__subcmd__help__subcmd__help"
                ;;
            kdbman__subcmd__certreq__subcmd__help,list)
                cmd="kdbman__subcmd__certreq__subcmd__help__subcmd__list"
                ;;
            kdbman__subcmd__help,cert)
                cmd="kdbman__subcmd__help__subcmd__cert"
                ;;
            kdbman__subcmd__help,certreq)
                cmd="kdbman__subcmd__help__subcmd__certreq"
                ;;
            kdbman__subcmd__help,explain)
                cmd="kdbman__subcmd__help__subcmd__explain"
                ;;
            kdbman__subcmd__help,generate-docs)
                cmd="kdbman__subcmd__help__subcmd__generate__subcmd__docs"
                ;;
            kdbman__subcmd__help,help)
                cmd="kdbman__subcmd__help__subcmd__help"
                ;;
            kdbman__subcmd__help,keydb)
                cmd="kdbman__subcmd__help__subcmd__keydb"
                ;;
            kdbman__subcmd__help,lint)
                cmd="kdbman__subcmd__help__subcmd__lint"
                ;;
            kdbman__subcmd__help,probe)
                cmd="kdbman__subcmd__help__subcmd__probe"
                ;;
            kdbman__subcmd__help,serve)
                cmd="kdbman__subcmd__help__subcmd__serve"
                ;;
            kdbman__subcmd__help__subcmd__cert,add)
                cmd="kdbman__subcmd__help__subcmd__cert__subcmd__add"
                ;;
            kdbman__subcmd__help__subcmd__cert,create)
                cmd="kdbman__subcmd__help__subcmd__cert__subcmd__create"
                ;;
            kdbman__subcmd__help__subcmd__cert,delete)
                cmd="kdbman__subcmd__help__subcmd__cert__subcmd__delete"
                ;;
            kdbman__subcmd__help__subcmd__cert,details)
                cmd="kdbman__subcmd__help__subcmd__cert__subcmd__details"
                ;;
            kdbman__subcmd__help__subcmd__cert,export)
                cmd="kdbman__subcmd__help__subcmd__cert__subcmd__export"
                ;;
            kdbman__subcmd__help__subcmd__cert,extract)
                cmd="kdbman__subcmd__help__subcmd__cert__subcmd__extract"
                ;;
            kdbman__subcmd__help__subcmd__cert,getdefault)
                cmd="kdbman__subcmd__help__subcmd__cert__subcmd__getdefault"
                ;;
            kdbman__subcmd__help__subcmd__cert,import)
                cmd="kdbman__subcmd__help__subcmd__cert__subcmd__import"
                ;;
            kdbman__subcmd__help__subcmd__cert,list)
                cmd="kdbman__subcmd__help__subcmd__cert__subcmd__list"
                ;;
            kdbman__subcmd__help__subcmd__cert,receive)
                cmd="kdbman__subcmd__help__subcmd__cert__subcmd__receive"
                ;;
            kdbman__subcmd__help__subcmd__cert,rename)
                cmd="kdbman__subcmd__help__subcmd__cert__subcmd__rename"
                ;;
            kdbman__subcmd__help__subcmd__cert,renew)
                cmd="kdbman__subcmd__help__subcmd__cert__subcmd__renew"
                ;;
            kdbman__subcmd__help__subcmd__cert,setdefault)
                cmd="kdbman__subcmd__help__subcmd__cert__subcmd__setdefault"
                ;;
            kdbman__subcmd__help__subcmd__cert,sign)
                cmd="kdbman__subcmd__help__subcmd__cert__subcmd__sign"
                ;;
            kdbman__subcmd__help__subcmd__cert,validate)
                cmd="kdbman__subcmd__help__subcmd__cert__subcmd__validate"
                ;;
            kdbman__subcmd__help__subcmd__certreq,create)
                cmd="kdbman__subcmd__help__subcmd__certreq__subcmd__create"
                ;;
            kdbman__subcmd__help__subcmd__certreq,delete)
                cmd="kdbman__subcmd__help__subcmd__certreq__subcmd__delete"
                ;;
            kdbman__subcmd__help__subcmd__certreq,details)
                cmd="kdbman__subcmd__help__subcmd__certreq__subcmd__details"
                ;;
            kdbman__subcmd__help__subcmd__certreq,extract)
                cmd="kdbman__subcmd__help__subcmd__certreq__subcmd__extract"
                ;;
            kdbman__subcmd__help__subcmd__certreq,list)
                cmd="kdbman__subcmd__help__subcmd__certreq__subcmd__list"
                ;;
            kdbman__subcmd__help__subcmd__keydb,changepw)
                cmd="kdbman__subcmd__help__subcmd__keydb__subcmd__changepw"
                ;;
            kdbman__subcmd__help__subcmd__keydb,convert)
                cmd="kdbman__subcmd__help__subcmd__keydb__subcmd__convert"
                ;;
            kdbman__subcmd__help__subcmd__keydb,create)
                cmd="kdbman__subcmd__help__subcmd__keydb__subcmd__create"
                ;;
            kdbman__subcmd__help__subcmd__keydb,delete)
                cmd="kdbman__subcmd__help__subcmd__keydb__subcmd__delete"
                ;;
            kdbman__subcmd__help__subcmd__keydb,details)
                cmd="kdbman__subcmd__help__subcmd__keydb__subcmd__details"
                ;;
            kdbman__subcmd__help__subcmd__keydb,export)
                cmd="kdbman__subcmd__help__subcmd__keydb__subcmd__export"
                ;;
            kdbman__subcmd__help__subcmd__keydb,stashpw)
                cmd="kdbman__subcmd__help__subcmd__keydb__subcmd__stashpw"
                ;;
            kdbman__subcmd__keydb,changepw)
                cmd="kdbman__subcmd__keydb__subcmd__changepw"
                ;;
            kdbman__subcmd__keydb,convert)
                cmd="kdbman__subcmd__keydb__subcmd__convert"
                ;;
            kdbman__subcmd__keydb,create)
                cmd="kdbman__subcmd__keydb__subcmd__create"
                ;;
            kdbman__subcmd__keydb,delete)
                cmd="kdbman__subcmd__keydb__subcmd__delete"
                ;;
            kdbman__subcmd__keydb,details)
                cmd="kdbman__subcmd__keydb__subcmd__details"
                ;;
            kdbman__subcmd__keydb,export)
                cmd="kdbman__subcmd__keydb__subcmd__export"
                ;;
            kdbman__subcmd__keydb,help)
                cmd="kdbman__subcmd__keydb__subcmd__help"
                ;;
            kdbman__subcmd__keydb,stashpw)
                cmd="kdbman__subcmd__keydb__subcmd__stashpw"
                ;;
            kdbman__subcmd__keydb__subcmd__help,changepw)
                cmd="kdbman__subcmd__keydb__subcmd__help__subcmd__changepw"
                ;;
            kdbman__subcmd__keydb__subcmd__help,convert)
                cmd="kdbman__subcmd__keydb__subcmd__help__subcmd__convert"
                ;;
            kdbman__subcmd__keydb__subcmd__help,create)
                cmd="kdbman__subcmd__keydb__subcmd__help__subcmd__create"
                ;;
            kdbman__subcmd__keydb__subcmd__help,delete)
                cmd="kdbman__subcmd__keydb__subcmd__help__subcmd__delete"
                ;;
            kdbman__subcmd__keydb__subcmd__help,details)
                cmd="kdbman__subcmd__keydb__subcmd__help__subcmd__details"
                ;;
            kdbman__subcmd__keydb__subcmd__help,export)
                cmd="kdbman__subcmd__keydb__subcmd__help__subcmd__export"
                ;;
            kdbman__subcmd__keydb__subcmd__help,help)
                cmd="kdbman__subcmd__keydb__subcmd__help__subcmd__help"
                ;;
            kdbman__subcmd__keydb__subcmd__help,stashpw)
                cmd="kdbman__subcmd__keydb__subcmd__help__subcmd__stashpw"
                ;;
            *)
                ;;
        esac
    done

    case "${cmd}" in
        kdbman)
            opts="-h -V --help --version keydb cert certreq lint explain serve probe generate-docs help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 1 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__cert)
            opts="-h --help create add list details setdefault getdefault rename delete extract import export receive renew sign validate help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__cert__subcmd__add)
            opts="-h --db --pw-env --pw-file --pw-stdin --stashed --stash --pw --allow-insecure-stash --label --file --trust --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --db)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw-env)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --stash)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --label)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --trust)
                    COMPREPLY=($(compgen -W "enable disable" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__cert__subcmd__create)
            opts="-h --db --pw-env --pw-file --pw-stdin --stashed --stash --pw --allow-insecure-stash --label --dn --key --san --days --ca --key-usage --eku --default --hash --fips --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --db)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw-env)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --stash)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --label)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --dn)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --key)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --san)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --days)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --key-usage)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --eku)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --hash)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__cert__subcmd__delete)
            opts="-h --db --pw-env --pw-file --pw-stdin --stashed --stash --pw --allow-insecure-stash --label --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --db)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw-env)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --stash)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --label)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__cert__subcmd__details)
            opts="-h --db --pw-env --pw-file --pw-stdin --stashed --stash --pw --allow-insecure-stash --label --json --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --db)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw-env)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --stash)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --label)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__cert__subcmd__export)
            opts="-h --db --pw-env --pw-file --pw-stdin --stashed --stash --pw --allow-insecure-stash --label --target --target-pw-env --target-pw-file --target-pw-stdin --target-pw --legacy --force --fips --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --db)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw-env)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --stash)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --label)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --target)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --target-pw-env)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --target-pw-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --target-pw)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__cert__subcmd__extract)
            opts="-h --db --pw-env --pw-file --pw-stdin --stashed --stash --pw --allow-insecure-stash --label --target --format --chain --with-key --force --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --db)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw-env)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --stash)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --label)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --target)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --format)
                    COMPREPLY=($(compgen -W "pem der" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__cert__subcmd__getdefault)
            opts="-h --db --pw-env --pw-file --pw-stdin --stashed --stash --pw --allow-insecure-stash --json --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --db)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw-env)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --stash)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__cert__subcmd__help)
            opts="create add list details setdefault getdefault rename delete extract import export receive renew sign validate help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__cert__subcmd__help__subcmd__add)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__cert__subcmd__help__subcmd__create)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__cert__subcmd__help__subcmd__delete)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__cert__subcmd__help__subcmd__details)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__cert__subcmd__help__subcmd__export)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__cert__subcmd__help__subcmd__extract)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__cert__subcmd__help__subcmd__getdefault)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__cert__subcmd__help__subcmd__help)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__cert__subcmd__help__subcmd__import)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__cert__subcmd__help__subcmd__list)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__cert__subcmd__help__subcmd__receive)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__cert__subcmd__help__subcmd__rename)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__cert__subcmd__help__subcmd__renew)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__cert__subcmd__help__subcmd__setdefault)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__cert__subcmd__help__subcmd__sign)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__cert__subcmd__help__subcmd__validate)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__cert__subcmd__import)
            opts="-h --db --pw-env --pw-file --pw-stdin --stashed --stash --pw --allow-insecure-stash --file --key --file-pw-env --file-pw-file --file-pw-stdin --file-pw --new-label --label --default --fips --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --db)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw-env)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --stash)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --key)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --file-pw-env)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --file-pw-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --file-pw)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --label)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --new-label)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__cert__subcmd__list)
            opts="-h --db --pw-env --pw-file --pw-stdin --stashed --stash --pw --allow-insecure-stash --kind --expiring --json --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --db)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw-env)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --stash)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --kind)
                    COMPREPLY=($(compgen -W "all personal signer request" -- "${cur}"))
                    return 0
                    ;;
                --expiring)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__cert__subcmd__receive)
            opts="-h --db --pw-env --pw-file --pw-stdin --stashed --stash --pw --allow-insecure-stash --file --default --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --db)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw-env)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --stash)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__cert__subcmd__rename)
            opts="-h --db --pw-env --pw-file --pw-stdin --stashed --stash --pw --allow-insecure-stash --label --new-label --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --db)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw-env)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --stash)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --label)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --new-label)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__cert__subcmd__renew)
            opts="-h --db --pw-env --pw-file --pw-stdin --stashed --stash --pw --allow-insecure-stash --label --new-key --key --target --format --force --hash --fips --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --db)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw-env)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --stash)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --label)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --key)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --target)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --format)
                    COMPREPLY=($(compgen -W "pem der" -- "${cur}"))
                    return 0
                    ;;
                --hash)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__cert__subcmd__setdefault)
            opts="-h --db --pw-env --pw-file --pw-stdin --stashed --stash --pw --allow-insecure-stash --label --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --db)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw-env)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --stash)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --label)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__cert__subcmd__sign)
            opts="-h --db --pw-env --pw-file --pw-stdin --stashed --stash --pw --allow-insecure-stash --label --file --target --days --san --ca --format --chain --force --hash --fips --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --db)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw-env)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --stash)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --label)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --target)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --days)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --san)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --format)
                    COMPREPLY=($(compgen -W "pem der" -- "${cur}"))
                    return 0
                    ;;
                --hash)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__cert__subcmd__validate)
            opts="-h --db --pw-env --pw-file --pw-stdin --stashed --stash --pw --allow-insecure-stash --label --file --at --purpose --json --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --db)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw-env)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --stash)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --label)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --at)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --purpose)
                    COMPREPLY=($(compgen -W "server client any" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__certreq)
            opts="-h --help create list details extract delete help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__certreq__subcmd__create)
            opts="-h --db --pw-env --pw-file --pw-stdin --stashed --stash --pw --allow-insecure-stash --label --dn --key --san --ca --key-usage --eku --target --force --hash --fips --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --db)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw-env)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --stash)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --label)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --dn)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --key)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --san)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --key-usage)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --eku)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --target)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --hash)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__certreq__subcmd__delete)
            opts="-h --db --pw-env --pw-file --pw-stdin --stashed --stash --pw --allow-insecure-stash --label --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --db)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw-env)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --stash)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --label)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__certreq__subcmd__details)
            opts="-h --db --pw-env --pw-file --pw-stdin --stashed --stash --pw --allow-insecure-stash --label --json --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --db)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw-env)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --stash)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --label)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__certreq__subcmd__extract)
            opts="-h --db --pw-env --pw-file --pw-stdin --stashed --stash --pw --allow-insecure-stash --label --target --format --force --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --db)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw-env)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --stash)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --label)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --target)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --format)
                    COMPREPLY=($(compgen -W "pem der" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__certreq__subcmd__help)
            opts="create list details extract delete help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__certreq__subcmd__help__subcmd__create)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__certreq__subcmd__help__subcmd__delete)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__certreq__subcmd__help__subcmd__details)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__certreq__subcmd__help__subcmd__extract)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__certreq__subcmd__help__subcmd__help)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__certreq__subcmd__help__subcmd__list)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__certreq__subcmd__list)
            opts="-h --db --pw-env --pw-file --pw-stdin --stashed --stash --pw --allow-insecure-stash --json --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --db)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw-env)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --stash)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__explain)
            opts="-h --list --json --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__generate__subcmd__docs)
            opts="-h --out --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --out)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__help)
            opts="keydb cert certreq lint explain serve probe generate-docs help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__help__subcmd__cert)
            opts="create add list details setdefault getdefault rename delete extract import export receive renew sign validate"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__help__subcmd__cert__subcmd__add)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__help__subcmd__cert__subcmd__create)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__help__subcmd__cert__subcmd__delete)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__help__subcmd__cert__subcmd__details)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__help__subcmd__cert__subcmd__export)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__help__subcmd__cert__subcmd__extract)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__help__subcmd__cert__subcmd__getdefault)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__help__subcmd__cert__subcmd__import)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__help__subcmd__cert__subcmd__list)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__help__subcmd__cert__subcmd__receive)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__help__subcmd__cert__subcmd__rename)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__help__subcmd__cert__subcmd__renew)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__help__subcmd__cert__subcmd__setdefault)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__help__subcmd__cert__subcmd__sign)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__help__subcmd__cert__subcmd__validate)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__help__subcmd__certreq)
            opts="create list details extract delete"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__help__subcmd__certreq__subcmd__create)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__help__subcmd__certreq__subcmd__delete)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__help__subcmd__certreq__subcmd__details)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__help__subcmd__certreq__subcmd__extract)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__help__subcmd__certreq__subcmd__list)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__help__subcmd__explain)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__help__subcmd__generate__subcmd__docs)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__help__subcmd__help)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__help__subcmd__keydb)
            opts="create changepw stashpw convert details delete export"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__help__subcmd__keydb__subcmd__changepw)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__help__subcmd__keydb__subcmd__convert)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__help__subcmd__keydb__subcmd__create)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__help__subcmd__keydb__subcmd__delete)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__help__subcmd__keydb__subcmd__details)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__help__subcmd__keydb__subcmd__export)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__help__subcmd__keydb__subcmd__stashpw)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__help__subcmd__lint)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__help__subcmd__probe)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__help__subcmd__serve)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__keydb)
            opts="-h --help create changepw stashpw convert details delete export help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__keydb__subcmd__changepw)
            opts="-h --db --pw-env --pw-file --pw-stdin --stashed --pw --allow-insecure-stash --new-pw-env --new-pw-file --new-pw-stdin --new-pw --stash --stash-file --expire --kdf --kdf-floor --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --db)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw-env)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --new-pw-env)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --new-pw-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --new-pw)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --stash-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --expire)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --kdf)
                    COMPREPLY=($(compgen -W "argon2id pbkdf2" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__keydb__subcmd__convert)
            opts="-h --db --pw-env --pw-file --pw-stdin --stashed --stash --pw --allow-insecure-stash --target --target-type --target-pw-env --target-pw-file --target-pw-stdin --target-pw --target-stash --kdf-floor --cms-version --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --db)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw-env)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --stash)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --target)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --target-type)
                    COMPREPLY=($(compgen -W "cms kdbman pkcs12" -- "${cur}"))
                    return 0
                    ;;
                --target-pw-env)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --target-pw-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --target-pw)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cms-version)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__keydb__subcmd__create)
            opts="-h --db --pw-env --pw-file --pw-stdin --pw --stash --stash-file --expire --type --stash-version --cms-version --kdf --kdf-floor --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --db)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw-env)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --stash-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --expire)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --type)
                    COMPREPLY=($(compgen -W "cms kdbman pkcs12" -- "${cur}"))
                    return 0
                    ;;
                --stash-version)
                    COMPREPLY=($(compgen -W "1 2" -- "${cur}"))
                    return 0
                    ;;
                --cms-version)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --kdf)
                    COMPREPLY=($(compgen -W "argon2id pbkdf2" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__keydb__subcmd__delete)
            opts="-h --db --pw-env --pw-file --pw-stdin --stashed --stash --pw --allow-insecure-stash --force --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --db)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw-env)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --stash)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__keydb__subcmd__details)
            opts="-h --db --pw-env --pw-file --pw-stdin --stashed --stash --pw --allow-insecure-stash --json --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --db)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw-env)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --stash)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__keydb__subcmd__export)
            opts="-h --db --pw-env --pw-file --pw-stdin --stashed --stash --pw --allow-insecure-stash --target --target-pw-env --target-pw-file --target-pw-stdin --target-pw --legacy --force --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --db)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw-env)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --stash)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --target)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --target-pw-env)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --target-pw-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --target-pw)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__keydb__subcmd__help)
            opts="create changepw stashpw convert details delete export help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__keydb__subcmd__help__subcmd__changepw)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__keydb__subcmd__help__subcmd__convert)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__keydb__subcmd__help__subcmd__create)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__keydb__subcmd__help__subcmd__delete)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__keydb__subcmd__help__subcmd__details)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__keydb__subcmd__help__subcmd__export)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__keydb__subcmd__help__subcmd__help)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__keydb__subcmd__help__subcmd__stashpw)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__keydb__subcmd__stashpw)
            opts="-h --db --pw-env --pw-file --pw-stdin --stashed --pw --allow-insecure-stash --stash-file --stash-version --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --db)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw-env)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --stash-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --stash-version)
                    COMPREPLY=($(compgen -W "1 2" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__lint)
            opts="-h --db --dir --jobs --pw-env --pw-file --pw-stdin --stashed --stash --pw --allow-insecure-stash --label --labels --httpd-conf --mq-qmgr --at --warn-days --format --fail-on --checks --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --db)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --jobs)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw-env)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --stash)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --label)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --labels)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --httpd-conf)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --mq-qmgr)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --at)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --warn-days)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --format)
                    COMPREPLY=($(compgen -W "text json sarif junit prometheus github" -- "${cur}"))
                    return 0
                    ;;
                --fail-on)
                    COMPREPLY=($(compgen -W "error warning info" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__probe)
            opts="-h --targets --jobs --servername --no-sni --connect-timeout --handshake-timeout --db --pw-env --pw-file --pw-stdin --stashed --stash --pw --allow-insecure-stash --label --sni --trust-db --trust-pw-env --trust-pw-file --trust-stashed --trust-stash --trust-pw --trust-system --client-label --at --warn-days --format --fail-on --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --targets)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --jobs)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --servername)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --connect-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --handshake-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --db)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw-env)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --stash)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --label)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --sni)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --trust-db)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --trust-pw-env)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --trust-pw-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --trust-stash)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --trust-pw)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --client-label)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --at)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --warn-days)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --format)
                    COMPREPLY=($(compgen -W "text json sarif junit prometheus" -- "${cur}"))
                    return 0
                    ;;
                --fail-on)
                    COMPREPLY=($(compgen -W "error warning info" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kdbman__subcmd__serve)
            opts="-h --db --pw-env --pw-file --pw-stdin --stashed --stash --pw --allow-insecure-stash --label --listen --sni --client-auth --min-tls --ciphers --handshake-timeout --idle-timeout --max-connections --threads --log-format --access-log --once --demo --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --db)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw-env)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --stash)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pw)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --label)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --listen)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --sni)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --client-auth)
                    COMPREPLY=($(compgen -W "none optional required" -- "${cur}"))
                    return 0
                    ;;
                --min-tls)
                    COMPREPLY=($(compgen -W "1.2 1.3" -- "${cur}"))
                    return 0
                    ;;
                --ciphers)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --handshake-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --idle-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-connections)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --threads)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --log-format)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
    esac
}

if [[ "${BASH_VERSINFO[0]}" -eq 4 && "${BASH_VERSINFO[1]}" -ge 4 || "${BASH_VERSINFO[0]}" -gt 4 ]]; then
    complete -F _kdbman -o nosort -o bashdefault -o default kdbman
else
    complete -F _kdbman -o bashdefault -o default kdbman
fi
