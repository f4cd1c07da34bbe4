"""Systematic polling error by office and days out: written by bench/estimate_outcome_error.py, do not edit.

Data: FiveThirtyEight (ABC News), CC BY 4.0, https://github.com/fivethirtyeight/data
(raw-polls.csv of pollster-ratings/2023, aggregated into error variances)."""

# fmt: off
TABLE = {
 "source": "FiveThirtyEight raw-polls.csv (pollster-ratings/2023), 1998-2022",
 "attribution": "Data: FiveThirtyEight (ABC News), CC BY 4.0, https://github.com/fivethirtyeight/data",
 "bins_max_days": [7, 14, 21],
 "all": {
  "generic": {
   "margin": {"sd": [2.765, 4.444, 4.444], "races": [13, 13, 13], "common_share": 0.0, "cycles": 13},
   "share": {"sd": [1.373, 2.209, 2.209], "races": [13, 13, 13], "common_share": 0.0, "cycles": 13}},
  "governor": {
   "margin": {"sd": [4.74, 6.321, 6.909], "races": [240, 262, 249], "common_share": 0.147, "cycles": 25},
   "share": {
    "sd": [2.895, 3.782, 3.813],
    "races": [240, 262, 249],
    "common_share": 0.123,
    "cycles": 25}},
  "house": {
   "margin": {"sd": [5.938, 6.98, 7.097], "races": [266, 469, 393], "common_share": 0.15, "cycles": 21},
   "share": {
    "sd": [3.364, 3.659, 3.934],
    "races": [266, 469, 393],
    "common_share": 0.127,
    "cycles": 21}},
  "president": {
   "margin": {"sd": [3.902, 4.29, 4.616], "races": [263, 248, 205], "common_share": 0.291, "cycles": 6},
   "share": {"sd": [2.125, 2.185, 2.347], "races": [263, 248, 205], "common_share": 0.191, "cycles": 6}},
  "primary": {
   "margin": {
    "sd": [10.468, 14.603, 14.603],
    "races": [211, 160, 87],
    "common_share": 0.049,
    "cycles": 6},
   "share": {"sd": [7.466, 9.104, 9.437], "races": [211, 160, 87], "common_share": 0.08, "cycles": 6}},
  "senate": {
   "margin": {
    "sd": [5.681, 6.669, 6.669],
    "races": [317, 334, 288],
    "common_share": 0.191,
    "cycles": 15},
   "share": {
    "sd": [3.236, 3.659, 3.769],
    "races": [317, 334, 288],
    "common_share": 0.152,
    "cycles": 15}}},
 "leave_out": {
  "1998": {
   "generic": {
    "margin": {"sd": [2.705, 4.463, 4.463], "races": [12, 12, 12], "common_share": 0.0, "cycles": 12},
    "share": {"sd": [1.344, 2.219, 2.219], "races": [12, 12, 12], "common_share": 0.0, "cycles": 12}},
   "governor": {
    "margin": {
     "sd": [4.239, 5.594, 6.376],
     "races": [218, 238, 231],
     "common_share": 0.121,
     "cycles": 24},
    "share": {
     "sd": [2.702, 3.548, 3.568],
     "races": [218, 238, 231],
     "common_share": 0.096,
     "cycles": 24}},
   "house": {
    "margin": {
     "sd": [5.954, 6.831, 7.049],
     "races": [264, 447, 383],
     "common_share": 0.156,
     "cycles": 20},
    "share": {
     "sd": [3.375, 3.623, 3.926],
     "races": [264, 447, 383],
     "common_share": 0.134,
     "cycles": 20}},
   "president": {
    "margin": {"sd": [3.902, 4.29, 4.616], "races": [263, 248, 205], "common_share": 0.291, "cycles": 6},
    "share": {
     "sd": [2.125, 2.185, 2.347],
     "races": [263, 248, 205],
     "common_share": 0.191,
     "cycles": 6}},
   "primary": {
    "margin": {
     "sd": [10.468, 14.603, 14.603],
     "races": [211, 160, 87],
     "common_share": 0.049,
     "cycles": 6},
    "share": {"sd": [7.466, 9.104, 9.437], "races": [211, 160, 87], "common_share": 0.08, "cycles": 6}},
   "senate": {
    "margin": {
     "sd": [5.719, 6.535, 6.535],
     "races": [300, 313, 275],
     "common_share": 0.191,
     "cycles": 14},
    "share": {"sd": [3.3, 3.654, 3.697], "races": [300, 313, 275], "common_share": 0.148, "cycles": 14}}},
  "1999": {
   "generic": {
    "margin": {"sd": [2.765, 4.444, 4.444], "races": [13, 13, 13], "common_share": 0.0, "cycles": 13},
    "share": {"sd": [1.373, 2.209, 2.209], "races": [13, 13, 13], "common_share": 0.0, "cycles": 13}},
   "governor": {
    "margin": {"sd": [4.74, 6.32, 6.834], "races": [240, 261, 247], "common_share": 0.141, "cycles": 24},
    "share": {
     "sd": [2.895, 3.787, 3.808],
     "races": [240, 261, 247],
     "common_share": 0.119,
     "cycles": 24}},
   "house": {
    "margin": {"sd": [5.938, 6.98, 7.097], "races": [266, 469, 393], "common_share": 0.15, "cycles": 21},
    "share": {
     "sd": [3.364, 3.659, 3.934],
     "races": [266, 469, 393],
     "common_share": 0.127,
     "cycles": 21}},
   "president": {
    "margin": {"sd": [3.902, 4.29, 4.616], "races": [263, 248, 205], "common_share": 0.291, "cycles": 6},
    "share": {
     "sd": [2.125, 2.185, 2.347],
     "races": [263, 248, 205],
     "common_share": 0.191,
     "cycles": 6}},
   "primary": {
    "margin": {
     "sd": [10.468, 14.603, 14.603],
     "races": [211, 160, 87],
     "common_share": 0.049,
     "cycles": 6},
    "share": {"sd": [7.466, 9.104, 9.437], "races": [211, 160, 87], "common_share": 0.08, "cycles": 6}},
   "senate": {
    "margin": {
     "sd": [5.681, 6.669, 6.669],
     "races": [317, 334, 288],
     "common_share": 0.191,
     "cycles": 15},
    "share": {
     "sd": [3.236, 3.659, 3.769],
     "races": [317, 334, 288],
     "common_share": 0.152,
     "cycles": 15}}},
  "2000": {
   "generic": {
    "margin": {"sd": [2.743, 4.432, 4.432], "races": [12, 12, 12], "common_share": 0.0, "cycles": 12},
    "share": {"sd": [1.362, 2.203, 2.203], "races": [12, 12, 12], "common_share": 0.0, "cycles": 12}},
   "governor": {
    "margin": {
     "sd": [4.818, 6.306, 6.991],
     "races": [232, 254, 242],
     "common_share": 0.147,
     "cycles": 24},
    "share": {"sd": [2.941, 3.78, 3.84], "races": [232, 254, 242], "common_share": 0.124, "cycles": 24}},
   "house": {
    "margin": {
     "sd": [5.987, 7.031, 7.146],
     "races": [259, 454, 378],
     "common_share": 0.152,
     "cycles": 20},
    "share": {
     "sd": [3.392, 3.677, 3.97],
     "races": [259, 454, 378],
     "common_share": 0.126,
     "cycles": 20}},
   "president": {
    "margin": {
     "sd": [3.908, 4.334, 4.667],
     "races": [220, 210, 169],
     "common_share": 0.317,
     "cycles": 5},
    "share": {"sd": [2.132, 2.209, 2.376], "races": [220, 210, 169], "common_share": 0.21, "cycles": 5}},
   "primary": {
    "margin": {
     "sd": [10.591, 15.401, 15.401],
     "races": [191, 138, 79],
     "common_share": 0.048,
     "cycles": 5},
    "share": {"sd": [7.575, 9.564, 9.612], "races": [191, 138, 79], "common_share": 0.087, "cycles": 5}},
   "senate": {
    "margin": {
     "sd": [5.733, 6.389, 6.389],
     "races": [290, 309, 267],
     "common_share": 0.183,
     "cycles": 14},
    "share": {
     "sd": [3.316, 3.562, 3.707],
     "races": [290, 309, 267],
     "common_share": 0.14,
     "cycles": 14}}},
  "2001": {
   "generic": {
    "margin": {"sd": [2.765, 4.444, 4.444], "races": [13, 13, 13], "common_share": 0.0, "cycles": 13},
    "share": {"sd": [1.373, 2.209, 2.209], "races": [13, 13, 13], "common_share": 0.0, "cycles": 13}},
   "governor": {
    "margin": {
     "sd": [4.759, 6.326, 6.94],
     "races": [238, 260, 247],
     "common_share": 0.148,
     "cycles": 24},
    "share": {
     "sd": [2.904, 3.787, 3.829],
     "races": [238, 260, 247],
     "common_share": 0.125,
     "cycles": 24}},
   "house": {
    "margin": {"sd": [5.938, 6.98, 7.097], "races": [266, 469, 393], "common_share": 0.15, "cycles": 21},
    "share": {
     "sd": [3.364, 3.659, 3.934],
     "races": [266, 469, 393],
     "common_share": 0.127,
     "cycles": 21}},
   "president": {
    "margin": {"sd": [3.902, 4.29, 4.616], "races": [263, 248, 205], "common_share": 0.291, "cycles": 6},
    "share": {
     "sd": [2.125, 2.185, 2.347],
     "races": [263, 248, 205],
     "common_share": 0.191,
     "cycles": 6}},
   "primary": {
    "margin": {
     "sd": [10.468, 14.603, 14.603],
     "races": [211, 160, 87],
     "common_share": 0.049,
     "cycles": 6},
    "share": {"sd": [7.466, 9.104, 9.437], "races": [211, 160, 87], "common_share": 0.08, "cycles": 6}},
   "senate": {
    "margin": {
     "sd": [5.681, 6.669, 6.669],
     "races": [317, 334, 288],
     "common_share": 0.191,
     "cycles": 15},
    "share": {
     "sd": [3.236, 3.659, 3.769],
     "races": [317, 334, 288],
     "common_share": 0.152,
     "cycles": 15}}},
  "2002": {
   "generic": {
    "margin": {"sd": [2.699, 4.273, 4.273], "races": [12, 12, 12], "common_share": 0.0, "cycles": 12},
    "share": {"sd": [1.34, 2.122, 2.122], "races": [12, 12, 12], "common_share": 0.0, "cycles": 12}},
   "governor": {
    "margin": {
     "sd": [4.806, 6.297, 6.946],
     "races": [214, 230, 220],
     "common_share": 0.149,
     "cycles": 24},
    "share": {
     "sd": [2.949, 3.76, 3.792],
     "races": [214, 230, 220],
     "common_share": 0.132,
     "cycles": 24}},
   "house": {
    "margin": {
     "sd": [6.012, 7.108, 7.156],
     "races": [254, 441, 374],
     "common_share": 0.152,
     "cycles": 20},
    "share": {"sd": [3.401, 3.726, 3.97], "races": [254, 441, 374], "common_share": 0.13, "cycles": 20}},
   "president": {
    "margin": {"sd": [3.902, 4.29, 4.616], "races": [263, 248, 205], "common_share": 0.291, "cycles": 6},
    "share": {
     "sd": [2.125, 2.185, 2.347],
     "races": [263, 248, 205],
     "common_share": 0.191,
     "cycles": 6}},
   "primary": {
    "margin": {
     "sd": [10.468, 14.603, 14.603],
     "races": [211, 160, 87],
     "common_share": 0.049,
     "cycles": 6},
    "share": {"sd": [7.466, 9.104, 9.437], "races": [211, 160, 87], "common_share": 0.08, "cycles": 6}},
   "senate": {
    "margin": {
     "sd": [5.674, 6.402, 6.67],
     "races": [297, 311, 270],
     "common_share": 0.223,
     "cycles": 14},
    "share": {
     "sd": [3.227, 3.531, 3.762],
     "races": [297, 311, 270],
     "common_share": 0.178,
     "cycles": 14}}},
  "2003": {
   "generic": {
    "margin": {"sd": [2.765, 4.444, 4.444], "races": [13, 13, 13], "common_share": 0.0, "cycles": 13},
    "share": {"sd": [1.373, 2.209, 2.209], "races": [13, 13, 13], "common_share": 0.0, "cycles": 13}},
   "governor": {
    "margin": {
     "sd": [4.726, 6.292, 6.82],
     "races": [235, 257, 245],
     "common_share": 0.151,
     "cycles": 24},
    "share": {
     "sd": [2.819, 3.572, 3.812],
     "races": [235, 257, 245],
     "common_share": 0.13,
     "cycles": 24}},
   "house": {
    "margin": {"sd": [5.938, 6.98, 7.097], "races": [266, 469, 393], "common_share": 0.15, "cycles": 21},
    "share": {
     "sd": [3.364, 3.659, 3.934],
     "races": [266, 469, 393],
     "common_share": 0.127,
     "cycles": 21}},
   "president": {
    "margin": {"sd": [3.902, 4.29, 4.616], "races": [263, 248, 205], "common_share": 0.291, "cycles": 6},
    "share": {
     "sd": [2.125, 2.185, 2.347],
     "races": [263, 248, 205],
     "common_share": 0.191,
     "cycles": 6}},
   "primary": {
    "margin": {
     "sd": [10.468, 14.603, 14.603],
     "races": [211, 160, 87],
     "common_share": 0.049,
     "cycles": 6},
    "share": {"sd": [7.466, 9.104, 9.437], "races": [211, 160, 87], "common_share": 0.08, "cycles": 6}},
   "senate": {
    "margin": {
     "sd": [5.681, 6.669, 6.669],
     "races": [317, 334, 288],
     "common_share": 0.191,
     "cycles": 15},
    "share": {
     "sd": [3.236, 3.659, 3.769],
     "races": [317, 334, 288],
     "common_share": 0.152,
     "cycles": 15}}},
  "2004": {
   "generic": {
    "margin": {"sd": [2.756, 4.282, 4.282], "races": [12, 12, 12], "common_share": 0.0, "cycles": 12},
    "share": {"sd": [1.369, 2.126, 2.126], "races": [12, 12, 12], "common_share": 0.0, "cycles": 12}},
   "governor": {
    "margin": {
     "sd": [4.794, 6.399, 6.951],
     "races": [235, 254, 243],
     "common_share": 0.149,
     "cycles": 24},
    "share": {
     "sd": [2.925, 3.833, 3.833],
     "races": [235, 254, 243],
     "common_share": 0.125,
     "cycles": 24}},
   "house": {
    "margin": {
     "sd": [5.892, 7.016, 7.134],
     "races": [242, 450, 372],
     "common_share": 0.155,
     "cycles": 20},
    "share": {"sd": [3.39, 3.695, 4.01], "races": [242, 450, 372], "common_share": 0.132, "cycles": 20}},
   "president": {
    "margin": {"sd": [4.2, 4.575, 4.999], "races": [227, 211, 169], "common_share": 0.294, "cycles": 5},
    "share": {
     "sd": [2.284, 2.331, 2.556],
     "races": [227, 211, 169],
     "common_share": 0.186,
     "cycles": 5}},
   "primary": {
    "margin": {
     "sd": [10.262, 14.103, 14.103],
     "races": [191, 152, 86],
     "common_share": 0.0,
     "cycles": 5},
    "share": {"sd": [7.038, 8.758, 9.37], "races": [191, 152, 86], "common_share": 0.0, "cycles": 5}},
   "senate": {
    "margin": {
     "sd": [5.488, 6.637, 6.637],
     "races": [292, 311, 268],
     "common_share": 0.219,
     "cycles": 14},
    "share": {
     "sd": [3.186, 3.674, 3.727],
     "races": [292, 311, 268],
     "common_share": 0.169,
     "cycles": 14}}},
  "2005": {
   "generic": {
    "margin": {"sd": [2.765, 4.444, 4.444], "races": [13, 13, 13], "common_share": 0.0, "cycles": 13},
    "share": {"sd": [1.373, 2.209, 2.209], "races": [13, 13, 13], "common_share": 0.0, "cycles": 13}},
   "governor": {
    "margin": {
     "sd": [4.76, 6.351, 6.926],
     "races": [238, 260, 247],
     "common_share": 0.148,
     "cycles": 24},
    "share": {
     "sd": [2.91, 3.799, 3.819],
     "races": [238, 260, 247],
     "common_share": 0.123,
     "cycles": 24}},
   "house": {
    "margin": {"sd": [5.938, 6.98, 7.097], "races": [266, 469, 393], "common_share": 0.15, "cycles": 21},
    "share": {
     "sd": [3.364, 3.659, 3.934],
     "races": [266, 469, 393],
     "common_share": 0.127,
     "cycles": 21}},
   "president": {
    "margin": {"sd": [3.902, 4.29, 4.616], "races": [263, 248, 205], "common_share": 0.291, "cycles": 6},
    "share": {
     "sd": [2.125, 2.185, 2.347],
     "races": [263, 248, 205],
     "common_share": 0.191,
     "cycles": 6}},
   "primary": {
    "margin": {
     "sd": [10.468, 14.603, 14.603],
     "races": [211, 160, 87],
     "common_share": 0.049,
     "cycles": 6},
    "share": {"sd": [7.466, 9.104, 9.437], "races": [211, 160, 87], "common_share": 0.08, "cycles": 6}},
   "senate": {
    "margin": {
     "sd": [5.681, 6.669, 6.669],
     "races": [317, 334, 288],
     "common_share": 0.191,
     "cycles": 15},
    "share": {
     "sd": [3.236, 3.659, 3.769],
     "races": [317, 334, 288],
     "common_share": 0.152,
     "cycles": 15}}},
  "2006": {
   "generic": {
    "margin": {"sd": [2.611, 3.906, 3.906], "races": [12, 12, 12], "common_share": 0.0, "cycles": 12},
    "share": {"sd": [1.297, 1.944, 1.944], "races": [12, 12, 12], "common_share": 0.0, "cycles": 12}},
   "governor": {
    "margin": {
     "sd": [4.92, 6.431, 6.913],
     "races": [211, 234, 222],
     "common_share": 0.153,
     "cycles": 24},
    "share": {
     "sd": [2.97, 3.735, 3.735],
     "races": [211, 234, 222],
     "common_share": 0.126,
     "cycles": 24}},
   "house": {
    "margin": {
     "sd": [6.109, 7.224, 7.224],
     "races": [230, 401, 347],
     "common_share": 0.168,
     "cycles": 20},
    "share": {
     "sd": [3.464, 3.74, 3.891],
     "races": [230, 401, 347],
     "common_share": 0.144,
     "cycles": 20}},
   "president": {
    "margin": {"sd": [3.902, 4.29, 4.616], "races": [263, 248, 205], "common_share": 0.291, "cycles": 6},
    "share": {
     "sd": [2.125, 2.185, 2.347],
     "races": [263, 248, 205],
     "common_share": 0.191,
     "cycles": 6}},
   "primary": {
    "margin": {
     "sd": [10.468, 14.603, 14.603],
     "races": [211, 160, 87],
     "common_share": 0.049,
     "cycles": 6},
    "share": {"sd": [7.466, 9.104, 9.437], "races": [211, 160, 87], "common_share": 0.08, "cycles": 6}},
   "senate": {
    "margin": {
     "sd": [5.746, 6.621, 6.707],
     "races": [293, 311, 264],
     "common_share": 0.19,
     "cycles": 14},
    "share": {
     "sd": [3.275, 3.647, 3.856],
     "races": [293, 311, 264],
     "common_share": 0.152,
     "cycles": 14}}},
  "2007": {
   "generic": {
    "margin": {"sd": [2.765, 4.444, 4.444], "races": [13, 13, 13], "common_share": 0.0, "cycles": 13},
    "share": {"sd": [1.373, 2.209, 2.209], "races": [13, 13, 13], "common_share": 0.0, "cycles": 13}},
   "governor": {
    "margin": {
     "sd": [4.752, 6.329, 6.798],
     "races": [239, 261, 247],
     "common_share": 0.14,
     "cycles": 24},
    "share": {
     "sd": [2.903, 3.788, 3.824],
     "races": [239, 261, 247],
     "common_share": 0.123,
     "cycles": 24}},
   "house": {
    "margin": {
     "sd": [5.951, 6.98, 7.097],
     "races": [265, 469, 393],
     "common_share": 0.151,
     "cycles": 20},
    "share": {
     "sd": [3.371, 3.659, 3.934],
     "races": [265, 469, 393],
     "common_share": 0.128,
     "cycles": 20}},
   "president": {
    "margin": {"sd": [3.902, 4.29, 4.616], "races": [263, 248, 205], "common_share": 0.291, "cycles": 6},
    "share": {
     "sd": [2.125, 2.185, 2.347],
     "races": [263, 248, 205],
     "common_share": 0.191,
     "cycles": 6}},
   "primary": {
    "margin": {
     "sd": [10.468, 14.603, 14.603],
     "races": [211, 160, 87],
     "common_share": 0.049,
     "cycles": 6},
    "share": {"sd": [7.466, 9.104, 9.437], "races": [211, 160, 87], "common_share": 0.08, "cycles": 6}},
   "senate": {
    "margin": {
     "sd": [5.681, 6.669, 6.669],
     "races": [317, 334, 288],
     "common_share": 0.191,
     "cycles": 15},
    "share": {
     "sd": [3.236, 3.659, 3.769],
     "races": [317, 334, 288],
     "common_share": 0.152,
     "cycles": 15}}},
  "2008": {
   "generic": {
    "margin": {"sd": [2.873, 4.642, 4.642], "races": [12, 12, 12], "common_share": 0.0, "cycles": 12},
    "share": {"sd": [1.426, 2.308, 2.308], "races": [12, 12, 12], "common_share": 0.0, "cycles": 12}},
   "governor": {
    "margin": {
     "sd": [4.772, 6.301, 6.989],
     "races": [232, 254, 241],
     "common_share": 0.143,
     "cycles": 24},
    "share": {
     "sd": [2.931, 3.784, 3.848],
     "races": [232, 254, 241],
     "common_share": 0.115,
     "cycles": 24}},
   "house": {
    "margin": {
     "sd": [5.832, 6.919, 7.199],
     "races": [246, 418, 361],
     "common_share": 0.165,
     "cycles": 20},
    "share": {
     "sd": [3.259, 3.594, 3.93],
     "races": [246, 418, 361],
     "common_share": 0.145,
     "cycles": 20}},
   "president": {
    "margin": {
     "sd": [4.097, 4.585, 4.885],
     "races": [221, 196, 166],
     "common_share": 0.298,
     "cycles": 5},
    "share": {"sd": [2.22, 2.31, 2.465], "races": [221, 196, 166], "common_share": 0.207, "cycles": 5}},
   "primary": {
    "margin": {
     "sd": [11.259, 15.822, 15.822],
     "races": [149, 115, 62],
     "common_share": 0.059,
     "cycles": 5},
    "share": {"sd": [8.166, 9.438, 10.776], "races": [149, 115, 62], "common_share": 0.09, "cycles": 5}},
   "senate": {
    "margin": {
     "sd": [5.584, 6.849, 6.849],
     "races": [290, 298, 267],
     "common_share": 0.216,
     "cycles": 14},
    "share": {
     "sd": [3.201, 3.751, 3.859],
     "races": [290, 298, 267],
     "common_share": 0.169,
     "cycles": 14}}},
  "2009": {
   "generic": {
    "margin": {"sd": [2.765, 4.444, 4.444], "races": [13, 13, 13], "common_share": 0.0, "cycles": 13},
    "share": {"sd": [1.373, 2.209, 2.209], "races": [13, 13, 13], "common_share": 0.0, "cycles": 13}},
   "governor": {
    "margin": {
     "sd": [4.758, 6.344, 6.941],
     "races": [238, 260, 247],
     "common_share": 0.148,
     "cycles": 24},
    "share": {
     "sd": [2.91, 3.802, 3.825],
     "races": [238, 260, 247],
     "common_share": 0.125,
     "cycles": 24}},
   "house": {
    "margin": {
     "sd": [5.938, 6.979, 7.106],
     "races": [263, 468, 392],
     "common_share": 0.151,
     "cycles": 20},
    "share": {
     "sd": [3.336, 3.614, 3.939],
     "races": [263, 468, 392],
     "common_share": 0.129,
     "cycles": 20}},
   "president": {
    "margin": {"sd": [3.902, 4.29, 4.616], "races": [263, 248, 205], "common_share": 0.291, "cycles": 6},
    "share": {
     "sd": [2.125, 2.185, 2.347],
     "races": [263, 248, 205],
     "common_share": 0.191,
     "cycles": 6}},
   "primary": {
    "margin": {
     "sd": [10.468, 14.603, 14.603],
     "races": [211, 160, 87],
     "common_share": 0.049,
     "cycles": 6},
    "share": {"sd": [7.466, 9.104, 9.437], "races": [211, 160, 87], "common_share": 0.08, "cycles": 6}},
   "senate": {
    "margin": {
     "sd": [5.681, 6.669, 6.669],
     "races": [317, 334, 288],
     "common_share": 0.191,
     "cycles": 15},
    "share": {
     "sd": [3.236, 3.659, 3.769],
     "races": [317, 334, 288],
     "common_share": 0.152,
     "cycles": 15}}},
  "2010": {
   "generic": {
    "margin": {"sd": [2.838, 4.644, 4.644], "races": [12, 12, 12], "common_share": 0.0, "cycles": 12},
    "share": {"sd": [1.41, 2.31, 2.31], "races": [12, 12, 12], "common_share": 0.0, "cycles": 12}},
   "governor": {
    "margin": {
     "sd": [4.888, 6.493, 7.119],
     "races": [213, 233, 221],
     "common_share": 0.142,
     "cycles": 24},
    "share": {"sd": [3.051, 3.965, 4.0], "races": [213, 233, 221], "common_share": 0.117, "cycles": 24}},
   "house": {
    "margin": {"sd": [5.425, 6.74, 6.74], "races": [235, 394, 322], "common_share": 0.203, "cycles": 20},
    "share": {
     "sd": [3.111, 3.601, 3.743],
     "races": [235, 394, 322],
     "common_share": 0.171,
     "cycles": 20}},
   "president": {
    "margin": {"sd": [3.902, 4.29, 4.616], "races": [263, 248, 205], "common_share": 0.291, "cycles": 6},
    "share": {
     "sd": [2.125, 2.185, 2.347],
     "races": [263, 248, 205],
     "common_share": 0.191,
     "cycles": 6}},
   "primary": {
    "margin": {
     "sd": [10.468, 14.603, 14.603],
     "races": [211, 160, 87],
     "common_share": 0.049,
     "cycles": 6},
    "share": {"sd": [7.466, 9.104, 9.437], "races": [211, 160, 87], "common_share": 0.08, "cycles": 6}},
   "senate": {
    "margin": {
     "sd": [5.825, 6.741, 6.741],
     "races": [291, 302, 261],
     "common_share": 0.189,
     "cycles": 14},
    "share": {
     "sd": [3.333, 3.771, 3.771],
     "races": [291, 302, 261],
     "common_share": 0.153,
     "cycles": 14}}},
  "2011": {
   "generic": {
    "margin": {"sd": [2.765, 4.444, 4.444], "races": [13, 13, 13], "common_share": 0.0, "cycles": 13},
    "share": {"sd": [1.373, 2.209, 2.209], "races": [13, 13, 13], "common_share": 0.0, "cycles": 13}},
   "governor": {
    "margin": {
     "sd": [4.746, 6.324, 6.602],
     "races": [238, 261, 246],
     "common_share": 0.159,
     "cycles": 24},
    "share": {
     "sd": [2.901, 3.786, 3.786],
     "races": [238, 261, 246],
     "common_share": 0.13,
     "cycles": 24}},
   "house": {
    "margin": {"sd": [5.994, 6.983, 7.11], "races": [262, 468, 392], "common_share": 0.15, "cycles": 20},
    "share": {
     "sd": [3.387, 3.662, 3.887],
     "races": [262, 468, 392],
     "common_share": 0.128,
     "cycles": 20}},
   "president": {
    "margin": {"sd": [3.902, 4.29, 4.616], "races": [263, 248, 205], "common_share": 0.291, "cycles": 6},
    "share": {
     "sd": [2.125, 2.185, 2.347],
     "races": [263, 248, 205],
     "common_share": 0.191,
     "cycles": 6}},
   "primary": {
    "margin": {
     "sd": [10.468, 14.603, 14.603],
     "races": [211, 160, 87],
     "common_share": 0.049,
     "cycles": 6},
    "share": {"sd": [7.466, 9.104, 9.437], "races": [211, 160, 87], "common_share": 0.08, "cycles": 6}},
   "senate": {
    "margin": {
     "sd": [5.681, 6.669, 6.669],
     "races": [317, 334, 288],
     "common_share": 0.191,
     "cycles": 15},
    "share": {
     "sd": [3.236, 3.659, 3.769],
     "races": [317, 334, 288],
     "common_share": 0.152,
     "cycles": 15}}},
  "2012": {
   "generic": {
    "margin": {"sd": [2.899, 4.588, 4.588], "races": [12, 12, 12], "common_share": 0.0, "cycles": 12},
    "share": {"sd": [1.441, 2.281, 2.281], "races": [12, 12, 12], "common_share": 0.0, "cycles": 12}},
   "governor": {
    "margin": {
     "sd": [4.775, 6.371, 7.021],
     "races": [233, 253, 241],
     "common_share": 0.139,
     "cycles": 24},
    "share": {
     "sd": [2.935, 3.838, 3.867],
     "races": [233, 253, 241],
     "common_share": 0.112,
     "cycles": 24}},
   "house": {
    "margin": {"sd": [6.077, 6.949, 7.064], "races": [251, 426, 360], "common_share": 0.1, "cycles": 20},
    "share": {
     "sd": [3.458, 3.68, 3.963],
     "races": [251, 426, 360],
     "common_share": 0.071,
     "cycles": 20}},
   "president": {
    "margin": {"sd": [4.0, 4.407, 4.788], "races": [228, 218, 174], "common_share": 0.244, "cycles": 5},
    "share": {
     "sd": [2.257, 2.289, 2.483],
     "races": [228, 218, 174],
     "common_share": 0.168,
     "cycles": 5}},
   "primary": {
    "margin": {
     "sd": [10.52, 14.501, 14.501],
     "races": [187, 146, 76],
     "common_share": 0.055,
     "cycles": 5},
    "share": {"sd": [7.627, 9.286, 9.286], "races": [187, 146, 76], "common_share": 0.086, "cycles": 5}},
   "senate": {
    "margin": {
     "sd": [5.758, 6.842, 6.842],
     "races": [293, 311, 264],
     "common_share": 0.154,
     "cycles": 14},
    "share": {
     "sd": [3.34, 3.768, 3.906],
     "races": [293, 311, 264],
     "common_share": 0.132,
     "cycles": 14}}},
  "2013": {
   "generic": {
    "margin": {"sd": [2.765, 4.444, 4.444], "races": [13, 13, 13], "common_share": 0.0, "cycles": 13},
    "share": {"sd": [1.373, 2.209, 2.209], "races": [13, 13, 13], "common_share": 0.0, "cycles": 13}},
   "governor": {
    "margin": {
     "sd": [4.703, 6.342, 6.889],
     "races": [238, 260, 248],
     "common_share": 0.152,
     "cycles": 24},
    "share": {
     "sd": [2.902, 3.802, 3.814],
     "races": [238, 260, 248],
     "common_share": 0.124,
     "cycles": 24}},
   "house": {
    "margin": {"sd": [5.918, 6.98, 7.033], "races": [265, 469, 392], "common_share": 0.15, "cycles": 20},
    "share": {
     "sd": [3.362, 3.659, 3.916],
     "races": [265, 469, 392],
     "common_share": 0.128,
     "cycles": 20}},
   "president": {
    "margin": {"sd": [3.902, 4.29, 4.616], "races": [263, 248, 205], "common_share": 0.291, "cycles": 6},
    "share": {
     "sd": [2.125, 2.185, 2.347],
     "races": [263, 248, 205],
     "common_share": 0.191,
     "cycles": 6}},
   "primary": {
    "margin": {
     "sd": [10.468, 14.603, 14.603],
     "races": [211, 160, 87],
     "common_share": 0.049,
     "cycles": 6},
    "share": {"sd": [7.466, 9.104, 9.437], "races": [211, 160, 87], "common_share": 0.08, "cycles": 6}},
   "senate": {
    "margin": {"sd": [5.698, 6.69, 6.69], "races": [315, 332, 286], "common_share": 0.194, "cycles": 14},
    "share": {
     "sd": [3.245, 3.669, 3.782],
     "races": [315, 332, 286],
     "common_share": 0.155,
     "cycles": 14}}},
  "2014": {
   "generic": {
    "margin": {"sd": [2.767, 4.497, 4.497], "races": [12, 12, 12], "common_share": 0.0, "cycles": 12},
    "share": {"sd": [1.376, 2.236, 2.236], "races": [12, 12, 12], "common_share": 0.0, "cycles": 12}},
   "governor": {
    "margin": {"sd": [4.799, 6.518, 7.02], "races": [220, 235, 213], "common_share": 0.14, "cycles": 24},
    "share": {
     "sd": [2.897, 3.899, 3.899],
     "races": [220, 235, 213],
     "common_share": 0.119,
     "cycles": 24}},
   "house": {
    "margin": {
     "sd": [5.979, 6.784, 7.164],
     "races": [249, 434, 361],
     "common_share": 0.154,
     "cycles": 20},
    "share": {
     "sd": [3.422, 3.548, 3.989],
     "races": [249, 434, 361],
     "common_share": 0.128,
     "cycles": 20}},
   "president": {
    "margin": {"sd": [3.902, 4.29, 4.616], "races": [263, 248, 205], "common_share": 0.291, "cycles": 6},
    "share": {
     "sd": [2.125, 2.185, 2.347],
     "races": [263, 248, 205],
     "common_share": 0.191,
     "cycles": 6}},
   "primary": {
    "margin": {
     "sd": [10.468, 14.603, 14.603],
     "races": [211, 160, 87],
     "common_share": 0.049,
     "cycles": 6},
    "share": {"sd": [7.466, 9.104, 9.437], "races": [211, 160, 87], "common_share": 0.08, "cycles": 6}},
   "senate": {
    "margin": {"sd": [5.663, 6.723, 6.805], "races": [299, 311, 252], "common_share": 0.2, "cycles": 14},
    "share": {"sd": [3.23, 3.67, 3.792], "races": [299, 311, 252], "common_share": 0.166, "cycles": 14}}},
  "2015": {
   "generic": {
    "margin": {"sd": [2.765, 4.444, 4.444], "races": [13, 13, 13], "common_share": 0.0, "cycles": 13},
    "share": {"sd": [1.373, 2.209, 2.209], "races": [13, 13, 13], "common_share": 0.0, "cycles": 13}},
   "governor": {
    "margin": {
     "sd": [4.759, 6.296, 6.904],
     "races": [237, 258, 247],
     "common_share": 0.15,
     "cycles": 24},
    "share": {
     "sd": [2.846, 3.778, 3.826],
     "races": [237, 258, 247],
     "common_share": 0.128,
     "cycles": 24}},
   "house": {
    "margin": {
     "sd": [5.829, 6.98, 7.097],
     "races": [265, 469, 393],
     "common_share": 0.141,
     "cycles": 20},
    "share": {
     "sd": [3.316, 3.659, 3.934],
     "races": [265, 469, 393],
     "common_share": 0.12,
     "cycles": 20}},
   "president": {
    "margin": {"sd": [3.902, 4.29, 4.616], "races": [263, 248, 205], "common_share": 0.291, "cycles": 6},
    "share": {
     "sd": [2.125, 2.185, 2.347],
     "races": [263, 248, 205],
     "common_share": 0.191,
     "cycles": 6}},
   "primary": {
    "margin": {
     "sd": [10.468, 14.603, 14.603],
     "races": [211, 160, 87],
     "common_share": 0.049,
     "cycles": 6},
    "share": {"sd": [7.466, 9.104, 9.437], "races": [211, 160, 87], "common_share": 0.08, "cycles": 6}},
   "senate": {
    "margin": {
     "sd": [5.681, 6.669, 6.669],
     "races": [317, 334, 288],
     "common_share": 0.191,
     "cycles": 15},
    "share": {
     "sd": [3.236, 3.659, 3.769],
     "races": [317, 334, 288],
     "common_share": 0.152,
     "cycles": 15}}},
  "2016": {
   "generic": {
    "margin": {"sd": [2.733, 4.483, 4.483], "races": [12, 12, 12], "common_share": 0.0, "cycles": 12},
    "share": {"sd": [1.357, 2.228, 2.228], "races": [12, 12, 12], "common_share": 0.0, "cycles": 12}},
   "governor": {
    "margin": {
     "sd": [4.612, 6.291, 6.959],
     "races": [228, 250, 242],
     "common_share": 0.148,
     "cycles": 24},
    "share": {
     "sd": [2.734, 3.735, 3.839],
     "races": [228, 250, 242],
     "common_share": 0.133,
     "cycles": 24}},
   "house": {
    "margin": {
     "sd": [5.905, 6.968, 7.069],
     "races": [254, 460, 377],
     "common_share": 0.147,
     "cycles": 20},
    "share": {
     "sd": [3.334, 3.641, 3.91],
     "races": [254, 460, 377],
     "common_share": 0.127,
     "cycles": 20}},
   "president": {
    "margin": {
     "sd": [3.571, 3.772, 3.991],
     "races": [211, 194, 172],
     "common_share": 0.308,
     "cycles": 5},
    "share": {
     "sd": [2.055, 2.055, 2.076],
     "races": [211, 194, 172],
     "common_share": 0.235,
     "cycles": 5}},
   "primary": {
    "margin": {
     "sd": [10.277, 13.554, 13.554],
     "races": [157, 105, 52],
     "common_share": 0.085,
     "cycles": 5},
    "share": {"sd": [7.45, 8.787, 9.235], "races": [157, 105, 52], "common_share": 0.109, "cycles": 5}},
   "senate": {
    "margin": {
     "sd": [5.531, 6.717, 6.717],
     "races": [283, 301, 266],
     "common_share": 0.172,
     "cycles": 14},
    "share": {
     "sd": [2.925, 3.519, 3.611],
     "races": [283, 301, 266],
     "common_share": 0.133,
     "cycles": 14}}},
  "2017": {
   "generic": {
    "margin": {"sd": [2.765, 4.444, 4.444], "races": [13, 13, 13], "common_share": 0.0, "cycles": 13},
    "share": {"sd": [1.373, 2.209, 2.209], "races": [13, 13, 13], "common_share": 0.0, "cycles": 13}},
   "governor": {
    "margin": {
     "sd": [4.743, 6.347, 6.917],
     "races": [238, 260, 247],
     "common_share": 0.149,
     "cycles": 24},
    "share": {
     "sd": [2.897, 3.795, 3.811],
     "races": [238, 260, 247],
     "common_share": 0.123,
     "cycles": 24}},
   "house": {
    "margin": {
     "sd": [5.97, 6.961, 7.097],
     "races": [262, 467, 391],
     "common_share": 0.151,
     "cycles": 20},
    "share": {
     "sd": [3.308, 3.619, 3.912],
     "races": [262, 467, 391],
     "common_share": 0.13,
     "cycles": 20}},
   "president": {
    "margin": {"sd": [3.902, 4.29, 4.616], "races": [263, 248, 205], "common_share": 0.291, "cycles": 6},
    "share": {
     "sd": [2.125, 2.185, 2.347],
     "races": [263, 248, 205],
     "common_share": 0.191,
     "cycles": 6}},
   "primary": {
    "margin": {
     "sd": [10.468, 14.603, 14.603],
     "races": [211, 160, 87],
     "common_share": 0.049,
     "cycles": 6},
    "share": {"sd": [7.466, 9.104, 9.437], "races": [211, 160, 87], "common_share": 0.08, "cycles": 6}},
   "senate": {
    "margin": {
     "sd": [5.688, 6.678, 6.678],
     "races": [316, 333, 287],
     "common_share": 0.193,
     "cycles": 14},
    "share": {
     "sd": [3.241, 3.664, 3.772],
     "races": [316, 333, 287],
     "common_share": 0.153,
     "cycles": 14}}},
  "2018": {
   "generic": {
    "margin": {"sd": [2.891, 4.645, 4.645], "races": [12, 12, 12], "common_share": 0.0, "cycles": 12},
    "share": {"sd": [1.437, 2.31, 2.31], "races": [12, 12, 12], "common_share": 0.0, "cycles": 12}},
   "governor": {
    "margin": {
     "sd": [4.797, 6.498, 7.032],
     "races": [214, 240, 234],
     "common_share": 0.156,
     "cycles": 24},
    "share": {
     "sd": [2.974, 3.902, 3.902],
     "races": [214, 240, 234],
     "common_share": 0.122,
     "cycles": 24}},
   "house": {
    "margin": {
     "sd": [6.272, 7.143, 7.353],
     "races": [221, 414, 350],
     "common_share": 0.161,
     "cycles": 20},
    "share": {
     "sd": [3.573, 3.766, 4.097],
     "races": [221, 414, 350],
     "common_share": 0.132,
     "cycles": 20}},
   "president": {
    "margin": {"sd": [3.902, 4.29, 4.616], "races": [263, 248, 205], "common_share": 0.291, "cycles": 6},
    "share": {
     "sd": [2.125, 2.185, 2.347],
     "races": [263, 248, 205],
     "common_share": 0.191,
     "cycles": 6}},
   "primary": {
    "margin": {
     "sd": [10.468, 14.603, 14.603],
     "races": [211, 160, 87],
     "common_share": 0.049,
     "cycles": 6},
    "share": {"sd": [7.466, 9.104, 9.437], "races": [211, 160, 87], "common_share": 0.08, "cycles": 6}},
   "senate": {
    "margin": {
     "sd": [5.738, 6.874, 6.874],
     "races": [292, 311, 270],
     "common_share": 0.197,
     "cycles": 14},
    "share": {"sd": [3.32, 3.76, 3.836], "races": [292, 311, 270], "common_share": 0.155, "cycles": 14}}},
  "2019": {
   "generic": {
    "margin": {"sd": [2.765, 4.444, 4.444], "races": [13, 13, 13], "common_share": 0.0, "cycles": 13},
    "share": {"sd": [1.373, 2.209, 2.209], "races": [13, 13, 13], "common_share": 0.0, "cycles": 13}},
   "governor": {
    "margin": {
     "sd": [4.758, 6.305, 6.863],
     "races": [237, 260, 245],
     "common_share": 0.149,
     "cycles": 24},
    "share": {
     "sd": [2.903, 3.761, 3.793],
     "races": [237, 260, 245],
     "common_share": 0.125,
     "cycles": 24}},
   "house": {
    "margin": {
     "sd": [5.952, 6.977, 7.097],
     "races": [265, 467, 393],
     "common_share": 0.148,
     "cycles": 20},
    "share": {
     "sd": [3.374, 3.66, 3.934],
     "races": [265, 467, 393],
     "common_share": 0.127,
     "cycles": 20}},
   "president": {
    "margin": {"sd": [3.902, 4.29, 4.616], "races": [263, 248, 205], "common_share": 0.291, "cycles": 6},
    "share": {
     "sd": [2.125, 2.185, 2.347],
     "races": [263, 248, 205],
     "common_share": 0.191,
     "cycles": 6}},
   "primary": {
    "margin": {
     "sd": [10.468, 14.603, 14.603],
     "races": [211, 160, 87],
     "common_share": 0.049,
     "cycles": 6},
    "share": {"sd": [7.466, 9.104, 9.437], "races": [211, 160, 87], "common_share": 0.08, "cycles": 6}},
   "senate": {
    "margin": {
     "sd": [5.681, 6.669, 6.669],
     "races": [317, 334, 288],
     "common_share": 0.191,
     "cycles": 15},
    "share": {
     "sd": [3.236, 3.659, 3.769],
     "races": [317, 334, 288],
     "common_share": 0.152,
     "cycles": 15}}},
  "2020": {
   "generic": {
    "margin": {"sd": [2.615, 4.24, 4.24], "races": [12, 12, 12], "common_share": 0.0, "cycles": 12},
    "share": {"sd": [1.296, 2.104, 2.104], "races": [12, 12, 12], "common_share": 0.0, "cycles": 12}},
   "governor": {
    "margin": {
     "sd": [4.533, 6.302, 6.948],
     "races": [234, 255, 243],
     "common_share": 0.11,
     "cycles": 24},
    "share": {
     "sd": [2.727, 3.706, 3.771],
     "races": [234, 255, 243],
     "common_share": 0.084,
     "cycles": 24}},
   "house": {
    "margin": {
     "sd": [5.836, 6.958, 7.005],
     "races": [248, 449, 364],
     "common_share": 0.093,
     "cycles": 20},
    "share": {
     "sd": [3.267, 3.644, 3.783],
     "races": [248, 449, 364],
     "common_share": 0.088,
     "cycles": 20}},
   "president": {
    "margin": {
     "sd": [3.557, 3.994, 4.305],
     "races": [208, 211, 175],
     "common_share": 0.204,
     "cycles": 5},
    "share": {
     "sd": [1.718, 1.945, 2.107],
     "races": [208, 211, 175],
     "common_share": 0.056,
     "cycles": 5}},
   "primary": {
    "margin": {
     "sd": [10.004, 14.214, 14.214],
     "races": [180, 144, 80],
     "common_share": 0.059,
     "cycles": 5},
    "share": {"sd": [7.033, 8.785, 8.912], "races": [180, 144, 80], "common_share": 0.098, "cycles": 5}},
   "senate": {
    "margin": {
     "sd": [5.621, 6.636, 6.636],
     "races": [292, 309, 265],
     "common_share": 0.128,
     "cycles": 14},
    "share": {
     "sd": [3.088, 3.535, 3.633],
     "races": [292, 309, 265],
     "common_share": 0.103,
     "cycles": 14}}},
  "2021": {
   "generic": {
    "margin": {"sd": [2.765, 4.444, 4.444], "races": [13, 13, 13], "common_share": 0.0, "cycles": 13},
    "share": {"sd": [1.373, 2.209, 2.209], "races": [13, 13, 13], "common_share": 0.0, "cycles": 13}},
   "governor": {
    "margin": {
     "sd": [4.764, 6.336, 6.938],
     "races": [238, 260, 247],
     "common_share": 0.149,
     "cycles": 24},
    "share": {
     "sd": [2.909, 3.792, 3.828],
     "races": [238, 260, 247],
     "common_share": 0.125,
     "cycles": 24}},
   "house": {
    "margin": {
     "sd": [5.878, 6.984, 7.13],
     "races": [265, 468, 390],
     "common_share": 0.149,
     "cycles": 20},
    "share": {
     "sd": [3.339, 3.66, 3.894],
     "races": [265, 468, 390],
     "common_share": 0.131,
     "cycles": 20}},
   "president": {
    "margin": {"sd": [3.902, 4.29, 4.616], "races": [263, 248, 205], "common_share": 0.291, "cycles": 6},
    "share": {
     "sd": [2.125, 2.185, 2.347],
     "races": [263, 248, 205],
     "common_share": 0.191,
     "cycles": 6}},
   "primary": {
    "margin": {
     "sd": [10.468, 14.603, 14.603],
     "races": [211, 160, 87],
     "common_share": 0.049,
     "cycles": 6},
    "share": {"sd": [7.466, 9.104, 9.437], "races": [211, 160, 87], "common_share": 0.08, "cycles": 6}},
   "senate": {
    "margin": {
     "sd": [5.681, 6.669, 6.669],
     "races": [317, 334, 288],
     "common_share": 0.191,
     "cycles": 15},
    "share": {
     "sd": [3.236, 3.659, 3.769],
     "races": [317, 334, 288],
     "common_share": 0.152,
     "cycles": 15}}},
  "2022": {
   "generic": {
    "margin": {"sd": [2.79, 4.624, 4.624], "races": [12, 12, 12], "common_share": 0.0, "cycles": 12},
    "share": {"sd": [1.386, 2.3, 2.3], "races": [12, 12, 12], "common_share": 0.0, "cycles": 12}},
   "governor": {
    "margin": {
     "sd": [4.75, 6.252, 7.106],
     "races": [222, 240, 223],
     "common_share": 0.175,
     "cycles": 24},
    "share": {
     "sd": [2.943, 3.792, 3.921],
     "races": [222, 240, 223],
     "common_share": 0.142,
     "cycles": 24}},
   "house": {
    "margin": {
     "sd": [5.988, 7.078, 7.285],
     "races": [255, 447, 375],
     "common_share": 0.146,
     "cycles": 20},
    "share": {
     "sd": [3.402, 3.713, 4.043],
     "races": [255, 447, 375],
     "common_share": 0.119,
     "cycles": 20}},
   "president": {
    "margin": {"sd": [3.902, 4.29, 4.616], "races": [263, 248, 205], "common_share": 0.291, "cycles": 6},
    "share": {
     "sd": [2.125, 2.185, 2.347],
     "races": [263, 248, 205],
     "common_share": 0.191,
     "cycles": 6}},
   "primary": {
    "margin": {
     "sd": [10.468, 14.603, 14.603],
     "races": [211, 160, 87],
     "common_share": 0.049,
     "cycles": 6},
    "share": {"sd": [7.466, 9.104, 9.437], "races": [211, 160, 87], "common_share": 0.08, "cycles": 6}},
   "senate": {
    "margin": {
     "sd": [5.729, 6.691, 6.75],
     "races": [295, 313, 270],
     "common_share": 0.205,
     "cycles": 14},
    "share": {
     "sd": [3.279, 3.694, 3.873],
     "races": [295, 313, 270],
     "common_share": 0.16,
     "cycles": 14}}}}}
