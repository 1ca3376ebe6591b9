"""Common first names and surnames in Germany, used by :mod:`urbanki_helpers.privacy.text`.

The lists are general knowledge about name frequencies (the most common names in German phone
books and birth registers, including frequent Turkish, Polish, Russian, Italian and Vietnamese
names), not data about any person. Names that are also ordinary German words (``Koch``,
``Weber``, ``Wolf``, ``August``) are kept apart: they are masked only with a cue such as "Herr"
or a first name before them.
"""

from __future__ import annotations

#: First names that are not ordinary German words.
FIRST_NAMES = frozenset("""
Alexander Andreas Anton Ahmet Ali Andrzej Antonio Armin Arne Axel Benjamin Ben Bernd Bernhard
Björn Boris Burkhard Carsten Christian Christoph Claus Daniel David Denis Dennis Detlef Dieter
Dietmar Dirk Dmitri Dominik Eberhard Egon Elias Emil Emre Erich Erwin Fabian Felix Finn Florian
Franz Friedhelm Friedrich Fritz Georg Gerd Gerhard Giuseppe Gregor Guido Günter Günther Hannes
Harald Hartmut Heiko Heinrich Heinz Helmut Hendrik Henning Henry Herbert Hermann Holger Horst
Hubert Hüseyin Ibrahim Ingo Ivan Jakob Jannik Jens Joachim Jochen Johann Johannes Jonas
Jonathan Jörg Josef Julian Jürgen Karl Karsten Kemal Klaus Konrad Kurt Lars Leon Lothar Luca
Ludwig Lukas Lutz Manfred Marcel Marco Marcus Mario Markus Martin Mathias Matthias Maximilian
Mehmet Michael Moritz Murat Mustafa Niklas Nils Noah Norbert Olaf Ole Oliver Oskar Patrick Paul
Peter Philipp Piotr Rainer Ralf Ralph Reinhard Reinhold René Richard Robert Roland Rolf Rüdiger
Sascha Sebastian Sergej Siegfried Simon Stefan Steffen Stephan Sven Theo Thomas Thorsten Tim Timo
Tobias Tom Tomasz Torsten Udo Ulrich Uwe Viktor Volker Walter Werner Wilhelm Wolfgang Yusuf
Agnieszka Amelie Andrea Angelika Anja Anke Anna Anne Annette Antje Ayşe Barbara Bärbel Beate
Bettina Birgit Brigitte Carina Carolin Charlotte Christa Christiane Christina Christine Clara
Claudia Cornelia Daniela Diana Doris Dorothea Edith Elena Elfriede Elif Elisabeth Elke Ella Emilia
Emine Emma Eva Fatma Franziska Frida Frieda Gabriele Gerda Gertrud Gisela Greta Gudrun Hanna
Hannah Hannelore Hedwig Heidi Heike Helene Helga Hildegard Ida Ilse Ines Inge Ingeborg Ingrid
Irene Iris Irmgard Jana Janina Jasmin Jessica Johanna Julia Jutta Karin Katarzyna Katharina
Kathrin Katrin Kerstin Klara Lara Laura Lea Lena Leonie Lina Lisa Lotte Luisa Luise Magdalena
Maria Marie Marion Marlene Martina Melanie Mia Michaela Mila Monika Nadine Natalie Natascha Nicole
Nina Olga Paula Petra Renate Rita Ruth Sabine Sabrina Sandra Sara Sarah Silke Simone Sofia Sonja
Sophia Sophie Stefanie Stephanie Susanne Svenja Tanja Tatjana Ulrike Ursula Ute Vanessa Waltraud
Yvonne Zeynep
""".split())

#: First names that are also ordinary words or abbreviations ("im August", "Jan." for January).
AMBIGUOUS_FIRST_NAMES = frozenset("""
August Ernst Erika Frank Heide Jan Kai Linde Mark Max Otto Rosa Rose Wolf
""".split())

#: Surnames that are not ordinary German words.
SURNAMES = frozenset("""
Albrecht Arnold Baumann Beck Becker Böhm Brandt Brinkmann Busse Çelik Celik Demir Dietrich
Ebert Fiedler Franke Friedrich Fröhlich Göbel Günther Haas Hartmann Heinrich Hermann Herrmann
Hofmann Hoffmann Hoppe Horn Huber Ivanov Jankowski Kaya Kowalczyk Kowalski Köhler Krause Krämer
Krüger Kuhn Kühne Lehmann Lewandowski Lindner Lorenz Ludwig Maier Martin Mayer Meier Meyer
Möller Nguyen Neumann Nowak Öztürk Peters Petrović Pfeiffer Pohl Popović Rossi Roth Russo Şahin
Sahin Schmid Schmidt Schmitt Schmitz Scholz Schröder Schubert Schulte Schulz Schulze Schumacher
Schütz Seidel Simon Thomas Tran Vogt Voigt Walter Wagner Werner Winkler Wirth Wolff Wójcik Yılmaz
Yilmaz Ziegler Hoffmeister Brunner Haase Kraft Kramer Marx Sander Stark Ullrich Wendt Witt Wittmann
Beyer Bock Brückner Dittrich Eckert Engelhardt Frey Hahnemann Heinemann Hesse Hübner Jansen
Kaiser Kirchner Kolb Kruse Lindemann Ludewig Mertens Michel Nagel Naumann Otto Pietsch Rau
Reuter Riedel Ritter Sommerfeld Stahl Thiel Vetter Voß Weise Wilke Wolter Zimmer Böttcher
Graf Hinz Janssen Kühl Lange Lenz Nickel Ott Paul Pfeifer Rieger Sauer Schenk Schott Seifert
Stephan Urban Völker Westphal Wiegand Wolters Ahrens Bartsch Bauer Bender Berger Bergmann Braun
Busch Dreher Engel Ernst Fischer Förster Frank Fuchs Gärtner Groß Hahn Hirsch Jäger Jung
Kaufmann Keller Klein Koch König Kraus Kühn Lang Meister Müller Richter Schäfer Schneider
Schreiber Schuster Schwarz Sommer Stein Strauß Vogel Weber Weiß Winter Wolf Zimmermann Adler
Bach Fink Hase Held Baum Berg Storch
""".split())

#: Surnames that are also ordinary words (jobs, animals, adjectives): masked only with a cue.
AMBIGUOUS_SURNAMES = frozenset("""
Adler Bach Bauer Baum Berg Bergmann Braun Busch Engel Ernst Fink Fischer Förster Frank Fuchs
Gärtner Graf Groß Hahn Hase Held Hirsch Horn Jäger Jung Kaiser Kaufmann Keller Klein Koch König
Kraft Kraus Kühn Lang Lange Marx Meister Müller Nagel Richter Ritter Sauer Schäfer Schneider
Schreiber Schuster Schwarz Sommer Stahl Stark Stein Storch Strauß Vetter Vogel Weber Weise Weiß
Winter Wolf Zimmer Zimmermann Michel Otto Paul Urban Kühl Nickel Simon Thomas Walter Werner
""".split())
