set terminal pngcairo size 900,540 font 'sans,10' noenhanced
set output 'heatmap.png'
set encoding utf8
set title 'strategies and workloads at the highest thread count' noenhanced
set label 99 'vm: Intel(R) Xeon(R) Processor, 1 package, 1 NUMA node, 2 cores, 2 PUs; 2026-11-23; nameibench 333d06b36b74' at screen 0.01, screen 0.02 font ',8' tc rgb '#555555' noenhanced
set bmargin 6
set grid lc rgb '#dddddd'
set key noenhanced
set xtics ('mount-churn' 0, 'rename-churn' 1, 'stat-disjoint' 2, 'stat-hot' 3, 'stat-shared' 4) rotate by -25
set ytics ('global' 0, 'dlock' 1, 'lockref' 2, 'rcuwalk' 3, 'rcufull' 4, 'kernel' 5)
set xrange [-0.5:4.5]
set yrange [5.5:-0.5]
set cbrange [0:1]
set cblabel 'share of the best strategy on the workload'
set palette defined (0 '#fff7ec', 0.5 '#fc8d59', 1 '#7f0000')
unset grid
set xlabel 'workload (at its highest thread count)'
set bmargin 8
plot 'data/heatmap.dat' matrix with image notitle, 'data/heatmap-labels.dat' index 0 using 1:2:3 with labels font ',9' tc rgb '#000000' notitle, 'data/heatmap-labels.dat' index 1 using 1:2:3 with labels font ',9' tc rgb '#ffffff' notitle

unset output
set terminal svg size 900,540 dynamic font 'sans,10' noenhanced
set output 'heatmap.svg'
set encoding utf8
set title 'strategies and workloads at the highest thread count' noenhanced
set label 99 'vm: Intel(R) Xeon(R) Processor, 1 package, 1 NUMA node, 2 cores, 2 PUs; 2026-11-23; nameibench 333d06b36b74' at screen 0.01, screen 0.02 font ',8' tc rgb '#555555' noenhanced
set bmargin 6
set grid lc rgb '#dddddd'
set key noenhanced
set xtics ('mount-churn' 0, 'rename-churn' 1, 'stat-disjoint' 2, 'stat-hot' 3, 'stat-shared' 4) rotate by -25
set ytics ('global' 0, 'dlock' 1, 'lockref' 2, 'rcuwalk' 3, 'rcufull' 4, 'kernel' 5)
set xrange [-0.5:4.5]
set yrange [5.5:-0.5]
set cbrange [0:1]
set cblabel 'share of the best strategy on the workload'
set palette defined (0 '#fff7ec', 0.5 '#fc8d59', 1 '#7f0000')
unset grid
set xlabel 'workload (at its highest thread count)'
set bmargin 8
plot 'data/heatmap.dat' matrix with image notitle, 'data/heatmap-labels.dat' index 0 using 1:2:3 with labels font ',9' tc rgb '#000000' notitle, 'data/heatmap-labels.dat' index 1 using 1:2:3 with labels font ',9' tc rgb '#ffffff' notitle

unset output
