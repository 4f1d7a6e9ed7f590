set terminal pngcairo size 900,540 font 'sans,10' noenhanced
set output 'rcu-outcomes-mount-churn.png'
set encoding utf8
set title 'mount-churn: what becomes of RCU walks as writers speed up' noenhanced
set label 99 'vm: Intel(R) Xeon(R) Processor, 1 package, 1 NUMA node, 2 cores, 2 PUs; 2026-11-23; nameibench 333d06b36b74' at screen 0.01, screen 0.02 font ',8' tc rgb '#555555' noenhanced
set bmargin 6
set grid lc rgb '#dddddd'
set key noenhanced
set logscale x
set logscale y
set format y '%g'
set yrange [1e-5:150]
set xlabel 'writer operations per second (per writer, log scale)'
set ylabel 'RCU walks (%, log scale)'
set key bottom left font ',8'
plot 'data/rcu-outcomes-mount-churn.dat' index 0 using 1:2 with linespoints dt 1 lw 2 pt 10 lc rgb '#1f77b4' title 'rcuwalk: completed in RCU', \
  'data/rcu-outcomes-mount-churn.dat' index 0 using 1:3 with linespoints dt 2 lw 2 pt 10 lc rgb '#1f77b4' title 'rcuwalk: unlazied', \
  'data/rcu-outcomes-mount-churn.dat' index 0 using 1:4 with linespoints dt 3 lw 2 pt 10 lc rgb '#1f77b4' title 'rcuwalk: restarted (-ECHILD)', \
  'data/rcu-outcomes-mount-churn.dat' index 1 using 1:2 with linespoints dt 1 lw 2 pt 12 lc rgb '#2ca02c' title 'rcufull: completed in RCU', \
  'data/rcu-outcomes-mount-churn.dat' index 1 using 1:3 with linespoints dt 2 lw 2 pt 12 lc rgb '#2ca02c' title 'rcufull: unlazied', \
  'data/rcu-outcomes-mount-churn.dat' index 1 using 1:4 with linespoints dt 3 lw 2 pt 12 lc rgb '#2ca02c' title 'rcufull: restarted (-ECHILD)'

unset output
set terminal svg size 900,540 dynamic font 'sans,10' noenhanced
set output 'rcu-outcomes-mount-churn.svg'
set encoding utf8
set title 'mount-churn: what becomes of RCU walks as writers speed up' noenhanced
set label 99 'vm: Intel(R) Xeon(R) Processor, 1 package, 1 NUMA node, 2 cores, 2 PUs; 2026-11-23; nameibench 333d06b36b74' at screen 0.01, screen 0.02 font ',8' tc rgb '#555555' noenhanced
set bmargin 6
set grid lc rgb '#dddddd'
set key noenhanced
set logscale x
set logscale y
set format y '%g'
set yrange [1e-5:150]
set xlabel 'writer operations per second (per writer, log scale)'
set ylabel 'RCU walks (%, log scale)'
set key bottom left font ',8'
plot 'data/rcu-outcomes-mount-churn.dat' index 0 using 1:2 with linespoints dt 1 lw 2 pt 10 lc rgb '#1f77b4' title 'rcuwalk: completed in RCU', \
  'data/rcu-outcomes-mount-churn.dat' index 0 using 1:3 with linespoints dt 2 lw 2 pt 10 lc rgb '#1f77b4' title 'rcuwalk: unlazied', \
  'data/rcu-outcomes-mount-churn.dat' index 0 using 1:4 with linespoints dt 3 lw 2 pt 10 lc rgb '#1f77b4' title 'rcuwalk: restarted (-ECHILD)', \
  'data/rcu-outcomes-mount-churn.dat' index 1 using 1:2 with linespoints dt 1 lw 2 pt 12 lc rgb '#2ca02c' title 'rcufull: completed in RCU', \
  'data/rcu-outcomes-mount-churn.dat' index 1 using 1:3 with linespoints dt 2 lw 2 pt 12 lc rgb '#2ca02c' title 'rcufull: unlazied', \
  'data/rcu-outcomes-mount-churn.dat' index 1 using 1:4 with linespoints dt 3 lw 2 pt 12 lc rgb '#2ca02c' title 'rcufull: restarted (-ECHILD)'

unset output
