set terminal pngcairo size 1100,540 font 'sans,10' noenhanced
set output 'timeline.png'
set encoding utf8
set title 'stat-hot: throughput second by second' noenhanced
set label 99 'vm: Intel(R) Xeon(R) Processor, 1 package, 1 NUMA node, 2 cores, 2 PUs; 2026-11-23; nameibench 333d06b36b74' at screen 0.01, screen 0.02 font ',8' tc rgb '#555555' noenhanced
set bmargin 6
set grid lc rgb '#dddddd'
set key noenhanced
set xlabel 'second of the measurement'
set ylabel 'throughput (million operations/s, log scale)'
set logscale y
set key outside right font ',8'
plot 'data/timeline.dat' index 0 using 1:2 with linespoints lw 2.5 pt 6 lc rgb '#ff7f0e' title 'lockref, all 2 readers', \
  'data/timeline.dat' index 0 using 1:3 with lines lw 1 dt 2 lc rgb '#ff7f0e' title 'lockref, each reader', \
  'data/timeline.dat' index 0 using 1:4 with lines lw 1 dt 2 lc rgb '#ff7f0e' notitle, \
  'data/timeline.dat' index 1 using 1:2 with linespoints lw 2.5 pt 12 lc rgb '#2ca02c' title 'rcufull, all 2 readers', \
  'data/timeline.dat' index 1 using 1:3 with lines lw 1 dt 2 lc rgb '#2ca02c' title 'rcufull, each reader', \
  'data/timeline.dat' index 1 using 1:4 with lines lw 1 dt 2 lc rgb '#2ca02c' notitle

unset output
set terminal svg size 1100,540 dynamic font 'sans,10' noenhanced
set output 'timeline.svg'
set encoding utf8
set title 'stat-hot: throughput second by second' noenhanced
set label 99 'vm: Intel(R) Xeon(R) Processor, 1 package, 1 NUMA node, 2 cores, 2 PUs; 2026-11-23; nameibench 333d06b36b74' at screen 0.01, screen 0.02 font ',8' tc rgb '#555555' noenhanced
set bmargin 6
set grid lc rgb '#dddddd'
set key noenhanced
set xlabel 'second of the measurement'
set ylabel 'throughput (million operations/s, log scale)'
set logscale y
set key outside right font ',8'
plot 'data/timeline.dat' index 0 using 1:2 with linespoints lw 2.5 pt 6 lc rgb '#ff7f0e' title 'lockref, all 2 readers', \
  'data/timeline.dat' index 0 using 1:3 with lines lw 1 dt 2 lc rgb '#ff7f0e' title 'lockref, each reader', \
  'data/timeline.dat' index 0 using 1:4 with lines lw 1 dt 2 lc rgb '#ff7f0e' notitle, \
  'data/timeline.dat' index 1 using 1:2 with linespoints lw 2.5 pt 12 lc rgb '#2ca02c' title 'rcufull, all 2 readers', \
  'data/timeline.dat' index 1 using 1:3 with lines lw 1 dt 2 lc rgb '#2ca02c' title 'rcufull, each reader', \
  'data/timeline.dat' index 1 using 1:4 with lines lw 1 dt 2 lc rgb '#2ca02c' notitle

unset output
