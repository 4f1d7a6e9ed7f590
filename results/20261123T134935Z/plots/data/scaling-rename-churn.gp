set terminal pngcairo size 900,540 font 'sans,10' noenhanced
set output 'scaling-rename-churn.png'
set encoding utf8
set title 'rename-churn: speedup and parallel efficiency' noenhanced
set label 99 'vm: Intel(R) Xeon(R) Processor, 1 package, 1 NUMA node, 2 cores, 2 PUs; 2026-11-23; nameibench 333d06b36b74' at screen 0.01, screen 0.02 font ',8' tc rgb '#555555' noenhanced
set bmargin 6
set grid lc rgb '#dddddd'
set key noenhanced
set multiplot layout 1,2
set xlabel 'threads'
set xtics (1, 2)
set xrange [0.8:2.3]
set ylabel 'speedup over 1 thread (x)'
set key top left
plot 'data/scaling-rename-churn.dat' index 0 using 1:2 with linespoints lw 2 pt 4 lc rgb '#7f7f7f' title 'global', 'data/scaling-rename-churn.dat' index 1 using 1:2 with linespoints lw 2 pt 8 lc rgb '#d62728' title 'dlock', 'data/scaling-rename-churn.dat' index 2 using 1:2 with linespoints lw 2 pt 6 lc rgb '#ff7f0e' title 'lockref', 'data/scaling-rename-churn.dat' index 3 using 1:2 with linespoints lw 2 pt 10 lc rgb '#1f77b4' title 'rcuwalk', 'data/scaling-rename-churn.dat' index 4 using 1:2 with linespoints lw 2 pt 12 lc rgb '#2ca02c' title 'rcufull', 'data/scaling-rename-churn.dat' index 5 using 1:2 with linespoints lw 2 pt 2 lc rgb '#000000' title 'kernel', x with lines dt 3 lc rgb '#888888' title 'linear', 'data/scaling-rename-churn-oversubscribed.dat' using 1:2 with points pt 6 ps 3 lw 1.5 lc rgb '#444444' title 'oversubscribed'
set ylabel 'parallel efficiency (% of linear)'
set yrange [0:*]
plot 'data/scaling-rename-churn.dat' index 0 using 1:3 with linespoints lw 2 pt 4 lc rgb '#7f7f7f' notitle, 'data/scaling-rename-churn.dat' index 1 using 1:3 with linespoints lw 2 pt 8 lc rgb '#d62728' notitle, 'data/scaling-rename-churn.dat' index 2 using 1:3 with linespoints lw 2 pt 6 lc rgb '#ff7f0e' notitle, 'data/scaling-rename-churn.dat' index 3 using 1:3 with linespoints lw 2 pt 10 lc rgb '#1f77b4' notitle, 'data/scaling-rename-churn.dat' index 4 using 1:3 with linespoints lw 2 pt 12 lc rgb '#2ca02c' notitle, 'data/scaling-rename-churn.dat' index 5 using 1:3 with linespoints lw 2 pt 2 lc rgb '#000000' notitle, 100 with lines dt 3 lc rgb '#888888' notitle
unset multiplot

unset output
set terminal svg size 900,540 dynamic font 'sans,10' noenhanced
set output 'scaling-rename-churn.svg'
set encoding utf8
set title 'rename-churn: speedup and parallel efficiency' noenhanced
set label 99 'vm: Intel(R) Xeon(R) Processor, 1 package, 1 NUMA node, 2 cores, 2 PUs; 2026-11-23; nameibench 333d06b36b74' at screen 0.01, screen 0.02 font ',8' tc rgb '#555555' noenhanced
set bmargin 6
set grid lc rgb '#dddddd'
set key noenhanced
set multiplot layout 1,2
set xlabel 'threads'
set xtics (1, 2)
set xrange [0.8:2.3]
set ylabel 'speedup over 1 thread (x)'
set key top left
plot 'data/scaling-rename-churn.dat' index 0 using 1:2 with linespoints lw 2 pt 4 lc rgb '#7f7f7f' title 'global', 'data/scaling-rename-churn.dat' index 1 using 1:2 with linespoints lw 2 pt 8 lc rgb '#d62728' title 'dlock', 'data/scaling-rename-churn.dat' index 2 using 1:2 with linespoints lw 2 pt 6 lc rgb '#ff7f0e' title 'lockref', 'data/scaling-rename-churn.dat' index 3 using 1:2 with linespoints lw 2 pt 10 lc rgb '#1f77b4' title 'rcuwalk', 'data/scaling-rename-churn.dat' index 4 using 1:2 with linespoints lw 2 pt 12 lc rgb '#2ca02c' title 'rcufull', 'data/scaling-rename-churn.dat' index 5 using 1:2 with linespoints lw 2 pt 2 lc rgb '#000000' title 'kernel', x with lines dt 3 lc rgb '#888888' title 'linear', 'data/scaling-rename-churn-oversubscribed.dat' using 1:2 with points pt 6 ps 3 lw 1.5 lc rgb '#444444' title 'oversubscribed'
set ylabel 'parallel efficiency (% of linear)'
set yrange [0:*]
plot 'data/scaling-rename-churn.dat' index 0 using 1:3 with linespoints lw 2 pt 4 lc rgb '#7f7f7f' notitle, 'data/scaling-rename-churn.dat' index 1 using 1:3 with linespoints lw 2 pt 8 lc rgb '#d62728' notitle, 'data/scaling-rename-churn.dat' index 2 using 1:3 with linespoints lw 2 pt 6 lc rgb '#ff7f0e' notitle, 'data/scaling-rename-churn.dat' index 3 using 1:3 with linespoints lw 2 pt 10 lc rgb '#1f77b4' notitle, 'data/scaling-rename-churn.dat' index 4 using 1:3 with linespoints lw 2 pt 12 lc rgb '#2ca02c' notitle, 'data/scaling-rename-churn.dat' index 5 using 1:3 with linespoints lw 2 pt 2 lc rgb '#000000' notitle, 100 with lines dt 3 lc rgb '#888888' notitle
unset multiplot

unset output
