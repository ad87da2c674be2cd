#!/bin/sh
# on_rank.sh RANK ACTION ARG COMMAND...: runs COMMAND; on process RANK of an mpirun job, changed:
#   args "X Y"       COMMAND X Y (other settings on one process)
#   cd DIR           COMMAND run in DIR (another file behind the same relative path)
#   kill-after FILE  COMMAND killed with SIGKILL once FILE exists (at most 60 s after its start)
rank=$1 action=$2 arg=$3
shift 3
if [ "${OMPI_COMM_WORLD_RANK:-0}" != "$rank" ]; then exec "$@"; fi
case $action in
  args) exec "$@" $arg ;;
  cd) cd "$arg" && exec "$@" ;;
  kill-after)
    "$@" &
    pid=$!
    i=0
    while [ ! -e "$arg" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
    kill -9 $pid
    wait $pid
    exit $? ;;
esac
echo "on_rank.sh: unknown action $action" >&2
exit 64
