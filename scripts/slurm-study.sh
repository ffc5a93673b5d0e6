#!/usr/bin/env bash
# slurm-study.sh runs one shard of a study as a task of a Slurm job array:
# task i of n runs every n-th combination (dhtsim reads
# SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT) into OUT/shard-i. Build
# dhtsim once, submit, then merge the shards when the array is done:
#
#   go build -o bin/dhtsim ./cmd/dhtsim
#   sbatch --array=0-7 scripts/slurm-study.sh benchmarks/study/examples/alpha-errors.yaml /scratch/alpha
#   bin/dhtsim merge -out /scratch/alpha/merged /scratch/alpha/shard-*
#
# A task that is killed (time limit, preemption) keeps its finished
# combinations; resubmitting the same array resumes every shard.
#
#SBATCH --job-name=dhtsim
#SBATCH --cpus-per-task=2
#SBATCH --mem=8G
#SBATCH --time=02:00:00
#SBATCH --output=dhtsim-%A_%a.log
set -euo pipefail

if [ $# -ne 2 ]; then
	echo "usage: sbatch --array=0-N scripts/slurm-study.sh STUDY.yaml OUT" >&2
	exit 2
fi
study=$1 out=$2
: "${SLURM_ARRAY_TASK_ID:?not a Slurm array task: submit with sbatch --array=0-N}"
dhtsim=${DHTSIM:-bin/dhtsim}
if [ ! -x "$dhtsim" ]; then
	echo "slurm-study.sh: $dhtsim not found: run 'go build -o bin/dhtsim ./cmd/dhtsim' first (or set DHTSIM)" >&2
	exit 1
fi
exec "$dhtsim" run "$study" -out "$out/shard-$SLURM_ARRAY_TASK_ID" \
	-workers "${SLURM_CPUS_PER_TASK:-1}" -progress lines
