set terminal pngcairo size 900,540 font 'sans,10' noenhanced
set output 'throughput-rename-churn.png'
set encoding utf8
set title 'rename-churn: throughput against threads' noenhanced
set label 99 'vm: Intel(R) Xeon(R) Processor, 1 package, 1 NUMA node, 2 cores, 2 PUs; 2026-11-23; nameibench 333d06b36b74' at screen 0.01, screen 0.02 font ',8' tc rgb '#555555' noenhanced
set bmargin 6
set grid lc rgb '#dddddd'
set key noenhanced
set xlabel 'threads'
set ylabel 'throughput (million operations/s)'
set xtics (1, 2)
set xrange [0.8:2.3]
set yrange [0:*]
set key top left
plot 'data/throughput-rename-churn.dat' index 0 using 1:2:3:4 with yerrorlines lw 2 pt 4 lc rgb '#7f7f7f' title 'global', \
  'data/throughput-rename-churn.dat' index 1 using 1:2:3:4 with yerrorlines lw 2 pt 8 lc rgb '#d62728' title 'dlock', \
  'data/throughput-rename-churn.dat' index 2 using 1:2:3:4 with yerrorlines lw 2 pt 6 lc rgb '#ff7f0e' title 'lockref', \
  'data/throughput-rename-churn.dat' index 3 using 1:2:3:4 with yerrorlines lw 2 pt 10 lc rgb '#1f77b4' title 'rcuwalk', \
  'data/throughput-rename-churn.dat' index 4 using 1:2:3:4 with yerrorlines lw 2 pt 12 lc rgb '#2ca02c' title 'rcufull', \
  'data/throughput-rename-churn.dat' index 5 using 1:2:3:4 with yerrorlines lw 2 pt 2 lc rgb '#000000' title 'kernel', \
  6.1206*x with lines dt 3 lw 1.5 lc rgb '#888888' title 'linear scaling (best 1-thread)', \
  'data/throughput-rename-churn-oversubscribed.dat' using 1:2 with points pt 6 ps 3 lw 1.5 lc rgb '#444444' title 'oversubscribed'

unset output
set terminal svg size 900,540 dynamic font 'sans,10' noenhanced
set output 'throughput-rename-churn.svg'
set encoding utf8
set title 'rename-churn: throughput against threads' noenhanced
set label 99 'vm: Intel(R) Xeon(R) Processor, 1 package, 1 NUMA node, 2 cores, 2 PUs; 2026-11-23; nameibench 333d06b36b74' at screen 0.01, screen 0.02 font ',8' tc rgb '#555555' noenhanced
set bmargin 6
set grid lc rgb '#dddddd'
set key noenhanced
set xlabel 'threads'
set ylabel 'throughput (million operations/s)'
set xtics (1, 2)
set xrange [0.8:2.3]
set yrange [0:*]
set key top left
plot 'data/throughput-rename-churn.dat' index 0 using 1:2:3:4 with yerrorlines lw 2 pt 4 lc rgb '#7f7f7f' title 'global', \
  'data/throughput-rename-churn.dat' index 1 using 1:2:3:4 with yerrorlines lw 2 pt 8 lc rgb '#d62728' title 'dlock', \
  'data/throughput-rename-churn.dat' index 2 using 1:2:3:4 with yerrorlines lw 2 pt 6 lc rgb '#ff7f0e' title 'lockref', \
  'data/throughput-rename-churn.dat' index 3 using 1:2:3:4 with yerrorlines lw 2 pt 10 lc rgb '#1f77b4' title 'rcuwalk', \
  'data/throughput-rename-churn.dat' index 4 using 1:2:3:4 with yerrorlines lw 2 pt 12 lc rgb '#2ca02c' title 'rcufull', \
  'data/throughput-rename-churn.dat' index 5 using 1:2:3:4 with yerrorlines lw 2 pt 2 lc rgb '#000000' title 'kernel', \
  6.1206*x with lines dt 3 lw 1.5 lc rgb '#888888' title 'linear scaling (best 1-thread)', \
  'data/throughput-rename-churn-oversubscribed.dat' using 1:2 with points pt 6 ps 3 lw 1.5 lc rgb '#444444' title 'oversubscribed'

unset output
