set terminal pngcairo size 900,540 font 'sans,10' noenhanced
set output 'latency-stat-hot.png'
set encoding utf8
set title 'stat-hot: latency percentiles at 2 threads' noenhanced
set label 99 'vm: Intel(R) Xeon(R) Processor, 1 package, 1 NUMA node, 2 cores, 2 PUs; 2026-11-23; nameibench 333d06b36b74' at screen 0.01, screen 0.02 font ',8' tc rgb '#555555' noenhanced
set bmargin 6
set grid lc rgb '#dddddd'
set key noenhanced
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set logscale y
set ylabel 'latency (ns, log scale)'
set key top left
plot 'data/latency-stat-hot.dat' using 2:xtic(1) title 'p50' lc rgb '#a1d99b', '' using 3 title 'p90' lc rgb '#41ab5d', '' using 4 title 'p99' lc rgb '#006d2c', '' using 5 title 'p99.9' lc rgb '#00441b'

unset output
set terminal svg size 900,540 dynamic font 'sans,10' noenhanced
set output 'latency-stat-hot.svg'
set encoding utf8
set title 'stat-hot: latency percentiles at 2 threads' noenhanced
set label 99 'vm: Intel(R) Xeon(R) Processor, 1 package, 1 NUMA node, 2 cores, 2 PUs; 2026-11-23; nameibench 333d06b36b74' at screen 0.01, screen 0.02 font ',8' tc rgb '#555555' noenhanced
set bmargin 6
set grid lc rgb '#dddddd'
set key noenhanced
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set logscale y
set ylabel 'latency (ns, log scale)'
set key top left
plot 'data/latency-stat-hot.dat' using 2:xtic(1) title 'p50' lc rgb '#a1d99b', '' using 3 title 'p90' lc rgb '#41ab5d', '' using 4 title 'p99' lc rgb '#006d2c', '' using 5 title 'p99.9' lc rgb '#00441b'

unset output
