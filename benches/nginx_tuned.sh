# Sourced by benches/compare.sh and benches/serve_syscalls.sh: nginx as
# its users deploy it for a static page over TLS (open_file_cache,
# sendfile, shared session cache and tickets, a worker per core).
# write_nginx_conf WORK PORT: $WORK/nginx/nginx.conf serving $WORK/html
# with $WORK/cert.pem and $WORK/key.pem on 127.0.0.1:PORT.
write_nginx_conf() {
    local work=$1 port=$2
    mkdir -p "$work/nginx"
    cat >"$work/nginx/nginx.conf" <<CONF
worker_processes auto;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $work/nginx; proxy_temp_path $work/nginx;
    fastcgi_temp_path $work/nginx; uwsgi_temp_path $work/nginx; scgi_temp_path $work/nginx;
    sendfile on;
    tcp_nopush on;
    open_file_cache max=1000 inactive=60s;
    open_file_cache_valid 60s;
    open_file_cache_errors on;
    server {
        listen 127.0.0.1:$port ssl;
        ssl_certificate $work/cert.pem;
        ssl_certificate_key $work/key.pem;
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_session_cache shared:SSL:10m;
        ssl_session_timeout 1d;
        ssl_session_tickets on;
        root $work/html;
        location / { index index.html; }
    }
}
CONF
}
